// Support cases in the console (/admin/cases): teachers who created an account without a link and
// whose record records could not match. The open cases (paged, oldest first), one case with the
// answers the teacher gave, "Assign a TRN" (checked with records, then a confirmation page that takes
// a reason) and "Close without a TRN" (a reason). Both call find-record's plain functions
// (src/identity/find-record/support-cases.ts), which write the event (actor staff:<id>) and email the
// teacher in the same transaction. Each route runs support's gate first (staffGate).
import { Elysia } from "elysia";
import { formFields, htmlResponse, seeOther } from "../../web/html";
import type { ServiceBrand } from "../../web/layout";
import { ConfirmPage, ConsolePage, ForbiddenPage, parseReason, SuccessBanner } from "../admin/admin-layout";
import { ErrorMessage, PostForm } from "../journey/components";
import {
  assignTrnToSupportCase,
  closeSupportCase,
  countOpenSupportCases,
  findSupportCase,
  listOpenSupportCases,
  type SupportCase,
  type SupportDeps as CaseDeps,
} from "../find-record/support-cases";
import type { ResolveStaff, StaffMember } from "./staff";
import { staffGate } from "./support-routes";

export const casesPageSize = 20;

export interface SupportCaseRouteDeps extends CaseDeps {
  brand: ServiceBrand;
  postsPerMinute: number;
}

interface Ctx {
  request: Request;
  body?: unknown;
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  csrfToken?: string;
}

const when = (ms: number | null) => (ms === null ? "" : new Date(ms).toISOString().replace("T", " ").slice(0, 16) + " UTC");

export function identifierText(identifier: SupportCase["answers"]["identifier"]): string {
  switch (identifier.kind) {
    case "trn":
      return `TRN ${identifier.trn}`;
    case "nino":
      return `National Insurance number ${identifier.nino}`;
    case "provider":
      return `Trained with ${identifier.providerName}, awarded in ${identifier.awardYear}`;
    case "none":
      return "None given";
  }
}

const caseName = (c: SupportCase) => [c.answers.firstName, c.answers.lastName].filter(Boolean).join(" ");

const doneBanners: Record<string, string> = {
  assigned: "The TRN was assigned to the account and the teacher is being emailed.",
  closed: "The case was closed and the teacher is being emailed.",
};

export function supportCaseRoutes(deps: SupportCaseRouteDeps, resolveStaff: ResolveStaff) {
  const { brand } = deps;
  const gate = staffGate(deps, resolveStaff);
  const notFound = (member: StaffMember) => htmlResponse(ForbiddenPage({ brand, member, message: "There is no support case with that reference." }), 404);
  const casePath = (c: SupportCase) => `/admin/cases/${encodeURIComponent(c.reference)}`;
  const withCase = (ctx: Ctx, posting: boolean, handler: (member: StaffMember, found: SupportCase) => Response | Promise<Response>) => {
    const member = gate(ctx, posting);
    if (member instanceof Response) return member;
    const found = findSupportCase(deps.db, ctx.params.reference ?? "");
    return found ? handler(member, found) : notFound(member);
  };
  const casePage = (ctx: Ctx, member: StaffMember, found: SupportCase, extra: { trn?: string; error?: string; status?: number } = {}) =>
    htmlResponse(<CasePage brand={brand} member={member} csrfToken={ctx.csrfToken ?? ""} supportCase={found} done={ctx.query.done ? doneBanners[ctx.query.done] : undefined} {...extra} />, extra.status ?? 200);

  return new Elysia({ name: "identity-support-cases" })
    .get("/admin/cases", (ctx: Ctx) => {
      const member = gate(ctx, false);
      if (member instanceof Response) return member;
      const total = countOpenSupportCases(deps.db);
      const pages = Math.max(1, Math.ceil(total / casesPageSize));
      const page = Math.max(1, Math.min(pages, Number.parseInt(ctx.query.page ?? "1", 10) || 1));
      const cases = listOpenSupportCases(deps.db, { limit: casesPageSize, offset: (page - 1) * casesPageSize });
      return htmlResponse(<CasesPage brand={brand} member={member} cases={cases} total={total} page={page} pages={pages} />);
    })
    .get("/admin/cases/:reference", (ctx: Ctx) => withCase(ctx, false, (member, found) => casePage(ctx, member, found)))
    .post("/admin/cases/:reference/assign", (ctx: Ctx) =>
      withCase(ctx, true, async (member, found) => {
        const form = formFields(ctx.body);
        const trn = (form.trn ?? "").trim();
        if (found.status !== "open") return casePage(ctx, member, found, { error: `The case is already ${found.status}. Nothing was changed`, status: 409 });
        if (!/^\d{7}$/.test(trn)) return casePage(ctx, member, found, { trn, error: "Enter a TRN that is 7 digits, like 1234567", status: 400 });
        const confirmPage = (recordName: string, error?: string, status = 200) =>
          htmlResponse(
            <ConfirmPage
              brand={brand}
              member={member}
              csrfToken={ctx.csrfToken ?? ""}
              title={`Assign TRN ${trn} to case ${found.reference}`}
              action={`${casePath(found)}/assign`}
              whatWillChange={[
                ["Case", `${found.reference} (${caseName(found)})`],
                ["Account", found.email ?? found.accountId],
                ["TRN", trn],
                ["Name on the teaching record", recordName],
                ["Afterwards", "The account holds this TRN, the case is resolved, and the teacher is emailed"],
              ]}
              hidden={{ trn }}
              button="Assign the TRN"
              reason={form.reason}
              error={error}
              backLink={casePath(found)}
            />,
            status,
          );
        const record = await deps.findTeacher(trn);
        if (record.status === "not_found") return casePage(ctx, member, found, { trn, error: "No teaching record has this TRN", status: 400 });
        if (record.status === "unavailable") return casePage(ctx, member, found, { trn, error: "The teaching record could not be checked just now. Nothing was changed. Try again in a few minutes", status: 503 });
        const recordName = [record.teacher.firstName, record.teacher.middleName, record.teacher.lastName].filter(Boolean).join(" ") || "(no name)";
        if (form.confirm !== "yes") return confirmPage(recordName);
        const reason = parseReason(form.reason);
        if (!reason.ok) return confirmPage(recordName, reason.message, 400);
        const outcome = await assignTrnToSupportCase(deps, { staffId: member.id, reference: found.reference, trn, reason: reason.value });
        if (!outcome.ok) {
          const status = outcome.reason === "records-unavailable" ? 503 : outcome.reason === "no-record" || outcome.reason === "invalid" ? 400 : 409;
          return casePage(ctx, member, findSupportCase(deps.db, found.reference) ?? found, { trn, error: `${outcome.message}. Nothing was changed`, status });
        }
        return seeOther(`${casePath(found)}?done=assigned`);
      }),
    )
    .get("/admin/cases/:reference/close", (ctx: Ctx) =>
      withCase(ctx, false, (member, found) =>
        found.status !== "open" ? casePage(ctx, member, found) : htmlResponse(<ClosePage brand={brand} member={member} csrfToken={ctx.csrfToken ?? ""} supportCase={found} />),
      ),
    )
    .post("/admin/cases/:reference/close", (ctx: Ctx) =>
      withCase(ctx, true, (member, found) => {
        const form = formFields(ctx.body);
        if (found.status !== "open") return casePage(ctx, member, found, { error: `The case is already ${found.status}. Nothing was changed`, status: 409 });
        const reason = parseReason(form.reason);
        if (!reason.ok) return htmlResponse(<ClosePage brand={brand} member={member} csrfToken={ctx.csrfToken ?? ""} supportCase={found} reason={form.reason} error={reason.message} />, 400);
        const outcome = closeSupportCase(deps, { staffId: member.id, reference: found.reference, reason: reason.value });
        if (!outcome.ok) return casePage(ctx, member, findSupportCase(deps.db, found.reference) ?? found, { error: `${outcome.message}. Nothing was changed`, status: 409 });
        return seeOther(`${casePath(found)}?done=closed`);
      }),
    );
}

function ClosePage(props: { brand: ServiceBrand; member: StaffMember; csrfToken: string; supportCase: SupportCase; reason?: string; error?: string }): JSX.Element {
  const c = props.supportCase;
  return (
    <ConfirmPage
      brand={props.brand}
      member={props.member}
      csrfToken={props.csrfToken}
      title={`Close case ${c.reference} without a TRN`}
      action={`/admin/cases/${encodeURIComponent(c.reference)}/close`}
      whatWillChange={[
        ["Case", `${c.reference} (${caseName(c)})`],
        ["Account", c.email ?? c.accountId],
        ["Afterwards", "The case is closed, the account keeps no TRN, and the teacher is emailed"],
      ]}
      button="Close the case"
      reason={props.reason}
      error={props.error}
      backLink={`/admin/cases/${encodeURIComponent(c.reference)}`}
      warningButton
    />
  );
}

function CasesPage(props: { brand: ServiceBrand; member: StaffMember; cases: SupportCase[]; total: number; page: number; pages: number }): JSX.Element {
  return (
    <ConsolePage title="Support cases" brand={props.brand} member={props.member} backLink="/admin" wide>
      <h1 class="govuk-heading-l">Support cases</h1>
      <p class="govuk-body" safe>
        {props.total === 1 ? "1 open case: a teacher whose record could not be matched." : `${props.total} open cases: teachers whose records could not be matched.`}
      </p>
      {props.cases.length ? (
        <table class="govuk-table" id="cases">
          <caption class="govuk-table__caption govuk-table__caption--m">Open cases, oldest first</caption>
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header">Reference</th>
              <th scope="col" class="govuk-table__header">Name</th>
              <th scope="col" class="govuk-table__header">Date of birth</th>
              <th scope="col" class="govuk-table__header">Opened</th>
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {props.cases.map((c) => (
              <tr class="govuk-table__row">
                <td class="govuk-table__cell">
                  <a class="govuk-link" href={`/admin/cases/${encodeURIComponent(c.reference)}`} safe>
                    {c.reference}
                  </a>
                </td>
                <td class="govuk-table__cell" safe>{caseName(c)}</td>
                <td class="govuk-table__cell" safe>{c.answers.dateOfBirth}</td>
                <td class="govuk-table__cell" safe>{when(c.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="govuk-body">There are no open cases.</p>
      )}
      {props.pages > 1 ? (
        <nav class="govuk-pagination" aria-label="Pages of cases">
          {props.page > 1 ? (
            <div class="govuk-pagination__prev">
              <a class="govuk-link govuk-pagination__link" href={`/admin/cases?page=${props.page - 1}`} rel="prev">
                <span class="govuk-pagination__link-title">Previous page</span>
              </a>
            </div>
          ) : (
            ""
          )}
          <p class="govuk-body govuk-!-margin-bottom-0" safe>{`Page ${props.page} of ${props.pages}`}</p>
          {props.page < props.pages ? (
            <div class="govuk-pagination__next">
              <a class="govuk-link govuk-pagination__link" href={`/admin/cases?page=${props.page + 1}`} rel="next">
                <span class="govuk-pagination__link-title">Next page</span>
              </a>
            </div>
          ) : (
            ""
          )}
        </nav>
      ) : (
        ""
      )}
    </ConsolePage>
  );
}

function Row(props: { label: string; value: string }): JSX.Element {
  return (
    <div class="govuk-summary-list__row">
      <dt class="govuk-summary-list__key" safe>
        {props.label}
      </dt>
      <dd class="govuk-summary-list__value" safe>
        {props.value}
      </dd>
    </div>
  );
}

function CasePage(props: { brand: ServiceBrand; member: StaffMember; csrfToken: string; supportCase: SupportCase; done?: string; trn?: string; error?: string }): JSX.Element {
  const c = props.supportCase;
  const a = c.answers;
  const path = `/admin/cases/${encodeURIComponent(c.reference)}`;
  return (
    <ConsolePage title={`Support case ${c.reference}`} brand={props.brand} member={props.member} backLink="/admin/cases" hasErrors={Boolean(props.error)}>
      {props.done ? <SuccessBanner heading={props.done} /> : ""}
      {props.error ? (
        <div class="govuk-error-summary" data-module="govuk-error-summary">
          <div role="alert">
            <h2 class="govuk-error-summary__title">There is a problem</h2>
            <div class="govuk-error-summary__body">
              <ul class="govuk-list govuk-error-summary__list">
                <li>
                  <a href="#trn" safe>
                    {props.error}
                  </a>
                </li>
              </ul>
            </div>
          </div>
        </div>
      ) : (
        ""
      )}
      <span class="govuk-caption-l">Support case</span>
      <h1 class="govuk-heading-l" safe>
        {c.reference}
      </h1>
      <dl class="govuk-summary-list" id="case-details">
        <Row label="Status" value={c.status === "open" ? "Open" : c.status === "resolved" ? `Resolved: TRN ${c.trn} assigned` : "Closed without a TRN"} />
        <Row label="Opened" value={when(c.createdAt)} />
        {c.status !== "open" ? <Row label="Decided" value={`${when(c.resolvedAt)} by ${c.resolvedBy ?? ""}: ${c.reason ?? ""}`} /> : ""}
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">Account</dt>
          <dd class="govuk-summary-list__value">
            <a class="govuk-link" href={`/admin/teachers/${encodeURIComponent(c.accountId)}`} safe>
              {c.email ?? c.accountId}
            </a>
          </dd>
        </div>
      </dl>
      <h2 class="govuk-heading-m">What the teacher told us</h2>
      <dl class="govuk-summary-list" id="case-answers">
        <Row label="First name" value={a.firstName ?? "Not given"} />
        <Row label="Last name" value={a.lastName} />
        <Row label="Previous last name" value={a.previousLastName ?? "None"} />
        <Row label="Date of birth" value={a.dateOfBirth} />
        <Row label="Identifier" value={identifierText(a.identifier)} />
      </dl>
      {c.status === "open" ? (
        <>
          <h2 class="govuk-heading-m">Assign a TRN</h2>
          <p class="govuk-body">Search the teaching records for this teacher. When you find their record, enter its TRN: records checks it, and you confirm it on the next page.</p>
          <PostForm action={`${path}/assign`} csrfToken={props.csrfToken}>
            <div class={props.error ? "govuk-form-group govuk-form-group--error" : "govuk-form-group"}>
              <label class="govuk-label govuk-label--s" for="trn">
                TRN
              </label>
              <div id="trn-hint" class="govuk-hint">
                7 digits
              </div>
              <ErrorMessage id="trn" message={props.error} />
              <input
                class={props.error ? "govuk-input govuk-input--width-10 govuk-input--error" : "govuk-input govuk-input--width-10"}
                id="trn"
                name="trn"
                type="text"
                inputmode="numeric"
                spellcheck={false}
                value={props.trn ?? ""}
                aria-describedby={props.error ? "trn-hint trn-error" : "trn-hint"}
              />
            </div>
            <button type="submit" class="govuk-button" data-module="govuk-button">
              Check the TRN
            </button>
          </PostForm>
          <h2 class="govuk-heading-m">Close without a TRN</h2>
          <p class="govuk-body">
            <a class="govuk-link" href={`${path}/close`}>
              Close this case without a TRN
            </a>
          </p>
        </>
      ) : (
        ""
      )}
    </ConsolePage>
  );
}

/** The teacher page's panel: the account's support cases. */
export function TeacherCasesPanel(props: { cases: SupportCase[] }): JSX.Element {
  return (
    <section aria-labelledby="support-cases-heading" id="support-cases">
      <h2 class="govuk-heading-m" id="support-cases-heading">
        Support cases
      </h2>
      {props.cases.length ? (
        <ul class="govuk-list">
          {props.cases.map((c) => (
            <li>
              <a class="govuk-link" href={`/admin/cases/${encodeURIComponent(c.reference)}`} safe>
                {c.reference}
              </a>{" "}
              <span safe>{`(${c.status === "open" ? "open" : c.status === "resolved" ? `resolved: TRN ${c.trn}` : "closed"}, opened ${when(c.createdAt)})`}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p class="govuk-body">This teacher has no support cases.</p>
      )}
    </section>
  );
}
