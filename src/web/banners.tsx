// The GOV.UK success notification banner, for every page that says something worked ("We have sent
// you a new code", "Email address changed"). One markup, so every page says it the same way.

/** A success banner whose heading is `heading` (escaped). `id` names its title for aria-labelledby. */
export function SuccessBanner(props: { heading: string; id?: string }): JSX.Element {
  const titleId = props.id ?? "success-banner-title";
  return (
    <div class="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby={titleId} data-module="govuk-notification-banner">
      <div class="govuk-notification-banner__header">
        <h2 class="govuk-notification-banner__title" id={titleId}>
          Success
        </h2>
      </div>
      <div class="govuk-notification-banner__content">
        <p class="govuk-notification-banner__heading" safe>
          {props.heading}
        </p>
      </div>
    </div>
  );
}
