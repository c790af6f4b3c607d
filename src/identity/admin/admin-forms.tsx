// Small pieces the admin-only console pages share: a list table, a one-time secret panel, and a
// form's field errors as a GOV.UK error summary.
import type { ServiceBrand } from "../../web/layout";
import { ConsolePage } from "./admin-layout";
import type { StaffMember } from "./staff-guard";

export function Table(props: { id: string; caption: string; head: string[]; rows: (string | JSX.Element)[][] }): JSX.Element {
  return (
    <table class="govuk-table" id={props.id}>
      <caption class="govuk-table__caption govuk-table__caption--m" safe>
        {props.caption}
      </caption>
      <thead class="govuk-table__head">
        <tr class="govuk-table__row">
          {props.head.map((h) => (
            <th scope="col" class="govuk-table__header" safe>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody class="govuk-table__body">
        {props.rows.map((row) => (
          <tr class="govuk-table__row">
            {row.map((cell) => (
              <td class="govuk-table__cell">{typeof cell === "string" ? Bun.escapeHTML(cell) : (cell as unknown as "safe")}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A secret shown once (a client's or a webhook's): it is not stored in a form anyone can read back. */
export function SecretShownOncePage(props: { brand: ServiceBrand; member: StaffMember; title: string; lines: [string, string][]; backLink: string; backText: string }): JSX.Element {
  return (
    <ConsolePage title={props.title} brand={props.brand} member={props.member}>
      <div class="govuk-panel govuk-panel--confirmation">
        <h1 class="govuk-panel__title" safe>
          {props.title}
        </h1>
      </div>
      <div class="govuk-warning-text">
        <span class="govuk-warning-text__icon" aria-hidden="true">
          !
        </span>
        <strong class="govuk-warning-text__text">
          <span class="govuk-visually-hidden">Warning</span> Copy the secret now: it is not shown again.
        </strong>
      </div>
      <dl class="govuk-summary-list" id="secret-shown-once">
        {props.lines.map(([key, value]) => (
          <div class="govuk-summary-list__row">
            <dt class="govuk-summary-list__key" safe>
              {key}
            </dt>
            <dd class="govuk-summary-list__value">
              <code safe>{value}</code>
            </dd>
          </div>
        ))}
      </dl>
      <a class="govuk-link" href={props.backLink} safe>
        {props.backText}
      </a>
    </ConsolePage>
  );
}

export const firstErrors = (errors: Record<string, string[]>): Record<string, string> =>
  Object.fromEntries(Object.entries(errors).map(([field, messages]) => [field.split(".")[0], messages[0]!]));
