// records' start page: what the API is and how to call it, for the developers of awarding services.
import { Page, type ServiceBrand } from "../web/layout";

const endpoints: [string, string, string][] = [
  ["PUT /v2/teachers/{trn}/itt-outcome?birthdate=YYYY-MM-DD", "itt_outcome:write", "Record an ITT outcome. A Pass awards QTS and emails the teacher a link to create a Teacher ID account."],
  ["GET /v2/teachers/{trn}?birthdate=YYYY-MM-DD", "teachers:read", "A teacher's record: names, date of birth, QTS date, induction status and ITT."],
  ["GET /v3/teacher", "dqt:read", "The signed-in teacher's own record (a user access token with a trn claim)."],
];

export function RecordsStartPage(props: { brand: ServiceBrand; identityUrl: string; devMailbox: boolean }): JSX.Element {
  return (
    <Page title="Qualified Teachers API" brand={props.brand}>
      <h1 class="govuk-heading-xl">Qualified Teachers API</h1>
      <p class="govuk-body">
        An API for services that record teacher training outcomes and read teaching records. Every call needs a bearer
        access token from Teacher ID (<code class="govuk-!-text-break-word" safe>{`${props.identityUrl}/token`}</code>, client
        credentials).
      </p>
      <table class="govuk-table">
        <caption class="govuk-table__caption govuk-table__caption--m">Endpoints</caption>
        <thead class="govuk-table__head">
          <tr class="govuk-table__row">
            <th scope="col" class="govuk-table__header">Request</th>
            <th scope="col" class="govuk-table__header">Scope</th>
            <th scope="col" class="govuk-table__header">What it does</th>
          </tr>
        </thead>
        <tbody class="govuk-table__body">
          {endpoints.map(([request, scope, description]) => (
            <tr class="govuk-table__row">
              <td class="govuk-table__cell">
                <code safe>{request}</code>
              </td>
              <td class="govuk-table__cell">
                <code safe>{scope}</code>
              </td>
              <td class="govuk-table__cell" safe>
                {description}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="govuk-body">
        Every parameter, field and answer is described in the{" "}
        <a class="govuk-link" href="/docs">
          API documentation
        </a>{" "}
        and, for code generators, in the OpenAPI 3.1 document at <a class="govuk-link" href="/openapi.json">/openapi.json</a>.
      </p>
      <p class="govuk-body">
        Errors are <code>application/problem+json</code>. Error codes: 10001 teacher not found (404), 10002 more than one
        teacher with that TRN (409), 10003 the teacher already has a different QTS date (409), 10005 no ITT record for that
        provider can take this outcome (400).
      </p>
      {props.devMailbox ? (
        <p class="govuk-body">
          In development, sent emails and text messages are in the{" "}
          <a class="govuk-link" href="/dev/mailbox">
            dev mailbox
          </a>
          .
        </p>
      ) : (
        ""
      )}
    </Page>
  );
}
