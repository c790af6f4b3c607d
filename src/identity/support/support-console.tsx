// The support operations as the console mounts them: the routes (operations and support cases,
// behind the console's resolver, staffResolver), and the teacher page's panels: the links to each
// operation on that teacher, their support cases, and the records summary (TeacherRecordSummary, read
// from records' support API).
import { Elysia } from "elysia";
import type { Account } from "../accounts/accounts";
import { supportCasesOf, type SupportDeps as CaseDeps } from "../find-record/support-cases";
import { supportCaseRoutes, TeacherCasesPanel } from "./support-case-routes";
import type { StaffMember } from "./staff";
import type { ResolveStaff } from "./staff";
import { supportOperationRoutes, type SupportDeps } from "./support-routes";
import { fetchTeacherRecordSummary, TeacherRecordSummary } from "./teacher-record-summary";

/** A panel on the console's teacher page, as rendered HTML (the admin folder's TeacherPanel). */
export type SupportTeacherPanel = (account: Account, member: StaffMember) => Promise<string> | string;

/** `cases`: what find-record's support-case functions need (createJourneys' `support`). */
export function supportConsole(deps: SupportDeps, cases: CaseDeps, resolveStaff: ResolveStaff) {
  const recordPanel: SupportTeacherPanel = async (account) => {
    const data = await fetchTeacherRecordSummary(deps.records, account.trn);
    return (<TeacherRecordSummary data={data} />) as string;
  };
  const actionsPanel: SupportTeacherPanel = (account) => <SupportActions account={account} />;
  const casesPanel: SupportTeacherPanel = (account) => <TeacherCasesPanel cases={supportCasesOf(deps.db, account.id)} />;
  return {
    routes: new Elysia({ name: "identity-support-console" })
      .use(supportOperationRoutes(deps, resolveStaff))
      .use(supportCaseRoutes({ ...cases, brand: deps.brand, postsPerMinute: deps.postsPerMinute }, resolveStaff)),
    teacherPanels: [actionsPanel, casesPanel, recordPanel],
  };
}

/** Links to each operation on this teacher (each opens a page that says what will change and asks why). */
export function SupportActions(props: { account: Account }): JSX.Element {
  const sub = encodeURIComponent(props.account.id);
  const { trn } = props.account;
  return (
    <section aria-labelledby="support-actions-heading" id="support-actions">
      <h2 class="govuk-heading-m" id="support-actions-heading">
        Support actions
      </h2>
      <ul class="govuk-list">
        <li>
          <a class="govuk-link" href={`/admin/teachers/${sub}/trn`}>
            {trn ? "Remove the TRN" : "Assign a TRN"}
          </a>
        </li>
        <li>
          <a class="govuk-link" href={`/admin/new-link?sub=${sub}`}>
            Send a new magic link to a corrected email address
          </a>
        </li>
        <li>
          <a class="govuk-link" href={`/admin/merge?survivor=${sub}`}>
            Merge another account into this one
          </a>
        </li>
        <li>
          <a class="govuk-link" href="#teacher-record-heading">
            Change requests (under Teaching record)
          </a>
        </li>
      </ul>
    </section>
  );
}
