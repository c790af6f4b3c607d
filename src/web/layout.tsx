// The GOV.UK page template every service renders into. No JavaScript: pages work without it.
// Children are NOT escaped by @kitajs/html: mark user input `safe` (<p safe>{x}</p>) or escapeHtml it.
import type { Children } from "@kitajs/html";
import logo from "../../templates/govuk/logo.svg" with { type: "text" };
import footerCrown from "../../templates/govuk/footer-crown.svg" with { type: "text" };
import licenceLogo from "../../templates/govuk/licence-logo.svg" with { type: "text" };

export interface ServiceBrand {
  /** Shown in the service navigation and the <title>. */
  name: string;
  /** Where the service name links to. */
  url: string;
  /** Who to contact for help (src/web/support.tsx): the footer's "Get help" and every dead-end page. */
  support?: { email: string; responseTime: string };
  /** The beta banner's feedback link. */
  feedbackUrl?: string;
}

export interface PageProps {
  title: string;
  brand: ServiceBrand;
  /** Prefixes the title with "Error: " as GOV.UK asks when the page shows an error summary. */
  hasErrors?: boolean;
  backLink?: string;
  /** Links shown at the end of the service navigation, e.g. "Sign out". */
  navigation?: { text: string; href: string }[];
  children?: Children;
}

export function Page(props: PageProps): JSX.Element {
  // A service's start page is titled once ("Teacher ID - GOV.UK"), not "Teacher ID - Teacher ID".
  const service = props.title === props.brand.name ? "" : ` - ${props.brand.name}`;
  const title = `${props.hasErrors ? "Error: " : ""}${props.title}${service} - GOV.UK`;
  return (
    <>
      {"<!DOCTYPE html>"}
      <html lang="en" class="govuk-template govuk-template--rebranded">
        <head>
          <meta charset="utf-8" />
          <title safe>{title}</title>
          <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
          <meta name="theme-color" content="#1d70b8" />
          <link rel="icon" sizes="48x48" href="/assets/images/favicon.ico" />
          <link rel="icon" sizes="any" href="/assets/images/favicon.svg" type="image/svg+xml" />
          <link rel="mask-icon" href="/assets/images/govuk-icon-mask.svg"/>
          <link rel="apple-touch-icon" href="/assets/images/govuk-icon-180.png" />
          <link rel="manifest" href="/assets/manifest.json" />
          <link rel="stylesheet" href="/assets/govuk-frontend.min.css" />
        </head>
        <body class="govuk-template__body">
          <a href="#main-content" class="govuk-skip-link">
            Skip to main content
          </a>
          <header class="govuk-template__header">
            <div class="govuk-header">
              <div class="govuk-header__container govuk-width-container">
                <div class="govuk-header__logo">
                  <a href="https://www.gov.uk/" class="govuk-header__homepage-link">
                    {logo}
                  </a>
                </div>
              </div>
            </div>
            <section aria-label="Service information" class="govuk-service-navigation">
              <div class="govuk-width-container">
                <div class="govuk-service-navigation__container">
                  <span class="govuk-service-navigation__service-name">
                    <a href={props.brand.url} class="govuk-service-navigation__link" safe>
                      {props.brand.name}
                    </a>
                  </span>
                  {props.navigation?.length ? (
                    <nav aria-label="Menu" class="govuk-service-navigation__wrapper">
                      <ul class="govuk-service-navigation__list">
                        {props.navigation.map((item) => (
                          <li class="govuk-service-navigation__item">
                            <a class="govuk-service-navigation__link" href={item.href} safe>
                              {item.text}
                            </a>
                          </li>
                        ))}
                      </ul>
                    </nav>
                  ) : (
                    ""
                  )}
                </div>
              </div>
            </section>
            {/* Inside the header, as GOV.UK Frontend 6 places it: content outside a landmark is missed
                by screen reader users who move between landmarks. */}
            <div class="govuk-phase-banner govuk-width-container">
              <p class="govuk-phase-banner__content">
                <strong class="govuk-tag govuk-phase-banner__content__tag">Beta</strong>
                <span class="govuk-phase-banner__text">
                  {props.brand.feedbackUrl ? (
                    <>
                      This is a new service. Help us improve it and{" "}
                      <a class="govuk-link" href={props.brand.feedbackUrl}>
                        give your feedback
                      </a>
                      .
                    </>
                  ) : (
                    "This is a new service. Your feedback will help us to improve it."
                  )}
                </span>
              </p>
            </div>
          </header>
          <div class="govuk-width-container">
            {props.backLink ? (
              <a href={props.backLink} class="govuk-back-link">
                Back
              </a>
            ) : (
              ""
            )}
            <main class="govuk-main-wrapper" id="main-content">
              {props.children as "safe"}
            </main>
          </div>
          <footer class="govuk-footer">
            <div class="govuk-width-container">
              {footerCrown}
              <div class="govuk-footer__meta">
                <div class="govuk-footer__meta-item govuk-footer__meta-item--grow">
                  {props.brand.support ? (
                    <>
                      <h2 class="govuk-visually-hidden">Support links</h2>
                      <ul class="govuk-footer__inline-list">
                        <li class="govuk-footer__inline-list-item">
                          <a class="govuk-footer__link" href={`${props.brand.url}/help`}>
                            Get help
                          </a>
                        </li>
                      </ul>
                    </>
                  ) : (
                    ""
                  )}
                  {licenceLogo}
                  <span class="govuk-footer__licence-description">
                    All content is available under the{" "}
                    <a
                      class="govuk-footer__link"
                      href="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
                      rel="license"
                    >
                      Open Government Licence v3.0
                    </a>
                    , except where otherwise stated
                  </span>
                </div>
                <div class="govuk-footer__meta-item">
                  <a
                    class="govuk-footer__link govuk-footer__copyright-logo"
                    href="https://www.nationalarchives.gov.uk/information-management/re-using-public-sector-information/uk-government-licensing-framework/crown-copyright/"
                  >
                    © Crown copyright
                  </a>
                </div>
              </div>
            </div>
          </footer>
        </body>
      </html>
    </>
  );
}

/** GOV.UK error summary; `errors` maps a field id to its message, in page order. */
export function ErrorSummary(props: { errors: Record<string, string> }): JSX.Element {
  const entries = Object.entries(props.errors);
  if (entries.length === 0) return "";
  return (
    <div class="govuk-error-summary" data-module="govuk-error-summary">
      <div role="alert">
        <h2 class="govuk-error-summary__title">There is a problem</h2>
        <div class="govuk-error-summary__body">
          <ul class="govuk-list govuk-error-summary__list">
            {entries.map(([field, message]) => (
              <li>
                <a href={`#${field}`} safe>
                  {message}
                </a>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}

/** The hidden CSRF field every POST form includes. */
export function CsrfField(props: { token: string }): JSX.Element {
  return <input type="hidden" name="_csrf" value={props.token} />;
}
