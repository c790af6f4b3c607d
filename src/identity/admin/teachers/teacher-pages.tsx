// The console's teacher pages: find, see, change email or mobile, block and unblock. Every value
// is escaped (`safe`); titles carry no email address.
import { ErrorSummary, type ServiceBrand } from "../../../web/layout";
import { ukTime } from "../../../mail/time-in-words";
import type { Account } from "../../accounts/accounts";
import type { AccountBlock } from "../../accounts/account-blocks";
import type { StoredEvent } from "../../events/events";
import { displayPhone } from "../../register/register-answers";
import { Button, PostForm, TextField } from "../../journey/components";
import { ConsolePage, SuccessBanner } from "../admin-layout";
import type { StaffMember } from "../staff-guard";
import type { GrantRow, SearchKind, SessionRow } from "./teacher-support";

const when = (ms: number | null) => (ms === null ? "Never" : ukTime(new Date(ms), { date: true }));
const fullName = (a: Account) => [a.givenName, a.familyName].filter(Boolean).join(" ") || "Not given";

interface Common {
  brand: ServiceBrand;
  member: StaffMember;
  csrfToken: string;
}

const kindWords: Record<SearchKind, string> = { trn: "TRN", sub: "sub (account id)", email: "email address", name: "name" };

export function SearchPage(props: Omit<Common, "csrfToken"> & {
  query: string;
  error?: string;
  results?: { kind: SearchKind; accounts: Account[]; total: number; page: number; pages: number };
}): JSX.Element {
  const r = props.results;
  const pageHref = (page: number) => `/admin?q=${encodeURIComponent(props.query)}&page=${page}`;
  return (
    <ConsolePage title="Find a teacher" brand={props.brand} member={props.member} hasErrors={Boolean(props.error)} wide>
      <ErrorSummary errors={props.error ? { q: props.error } : {}} />
      <form method="get" action="/admin" novalidate>
        <TextField id="q" label="Find a teacher" labelIsHeading hint="Email address (or its start), TRN (7 digits), name, or sub (account id)" value={props.query} error={props.error} spellcheck={false} widthClass="govuk-!-width-two-thirds" />
        <Button text="Search" />
      </form>
      {r ? (
        <>
          <h2 class="govuk-heading-m" id="results-heading" safe>
            {r.total === 0 ? "No teachers found" : `${r.total} ${r.total === 1 ? "teacher" : "teachers"} found by ${kindWords[r.kind]}`}
          </h2>
          {r.accounts.length ? (
            <table class="govuk-table" aria-labelledby="results-heading">
              <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                  <th scope="col" class="govuk-table__header">Name</th>
                  <th scope="col" class="govuk-table__header">Email</th>
                  <th scope="col" class="govuk-table__header">TRN</th>
                  <th scope="col" class="govuk-table__header">Created</th>
                </tr>
              </thead>
              <tbody class="govuk-table__body">
                {r.accounts.map((a) => (
                  <tr class="govuk-table__row">
                    <td class="govuk-table__cell">
                      <a class="govuk-link" href={`/admin/teachers/${a.id}`} safe>
                        {fullName(a)}
                      </a>
                    </td>
                    <td class="govuk-table__cell" safe>
                      {a.email}
                    </td>
                    <td class="govuk-table__cell" safe>
                      {a.trn ?? "None"}
                    </td>
                    <td class="govuk-table__cell" safe>
                      {when(a.createdAt)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            ""
          )}
          {r.pages > 1 ? (
            <nav class="govuk-pagination" aria-label="Results pages">
              {r.page > 1 ? (
                <div class="govuk-pagination__prev">
                  <a class="govuk-link govuk-pagination__link" href={pageHref(r.page - 1)} rel="prev">
                    <span class="govuk-pagination__link-title">Previous page</span>
                  </a>
                </div>
              ) : (
                ""
              )}
              <p class="govuk-body govuk-!-margin-bottom-0" safe>{`Page ${r.page} of ${r.pages}`}</p>
              {r.page < r.pages ? (
                <div class="govuk-pagination__next">
                  <a class="govuk-link govuk-pagination__link" href={pageHref(r.page + 1)} rel="next">
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
        </>
      ) : (
        ""
      )}
    </ConsolePage>
  );
}

function Row(props: { label: string; value: string; action?: { href: string; text: string } }): JSX.Element {
  return (
    <div class="govuk-summary-list__row">
      <dt class="govuk-summary-list__key" safe>
        {props.label}
      </dt>
      <dd class="govuk-summary-list__value" safe>
        {props.value}
      </dd>
      {props.action ? (
        <dd class="govuk-summary-list__actions">
          <a class="govuk-link" href={props.action.href}>
            <span safe>{props.action.text}</span>
            <span class="govuk-visually-hidden" safe>{` ${props.label.toLowerCase()}`}</span>
          </a>
        </dd>
      ) : (
        <dd class="govuk-summary-list__actions"></dd>
      )}
    </div>
  );
}

const doneBanners: Record<string, string> = {
  email: "The email address has been changed and the old address told",
  mobile: "The mobile number has been changed",
  "mobile-removed": "The mobile number has been removed",
  blocked: "The account has been blocked: its sessions and grants are revoked",
  unblocked: "The account has been unblocked",
};

export function TeacherPage(props: Omit<Common, "csrfToken"> & {
  account: Account;
  block: AccountBlock | undefined;
  sessions: SessionRow[];
  grants: GrantRow[];
  events: StoredEvent[];
  done: string | null;
  /** Extra panels (e.g. the records summary), rendered HTML, in order. */
  panels: string[];
}): JSX.Element {
  const a = props.account;
  const base = `/admin/teachers/${a.id}`;
  const banner = props.done ? doneBanners[props.done] : undefined;
  return (
    <ConsolePage title="Teacher" brand={props.brand} member={props.member} backLink="/admin" wide>
      {banner ? <SuccessBanner heading={banner} /> : ""}
      <span class="govuk-caption-l">Teacher</span>
      <h1 class="govuk-heading-l" safe>
        {fullName(a)}
      </h1>
      {props.block ? (
        <div class="govuk-warning-text">
          <span class="govuk-warning-text__icon" aria-hidden="true">
            !
          </span>
          <strong class="govuk-warning-text__text">
            <span class="govuk-visually-hidden">Warning</span> <span safe>{`This account is blocked (since ${when(props.block.blockedAt)}). It cannot sign in.`}</span>
          </strong>
        </div>
      ) : (
        ""
      )}
      <h2 class="govuk-heading-m">Account</h2>
      <dl class="govuk-summary-list">
        <Row label="Sub (account id)" value={a.id} />
        <Row label="Email address" value={`${a.email}${a.emailVerified ? " (verified)" : " (not verified)"}`} action={{ href: `${base}/email`, text: "Change" }} />
        <Row label="Mobile number" value={a.phoneNumber ? `${displayPhone(a.phoneNumber)}${a.phoneNumberVerified ? " (verified)" : ""}` : "None"} action={{ href: `${base}/mobile`, text: "Change" }} />
        <Row label="Name" value={fullName(a)} />
        <Row label="Preferred name" value={a.preferredName ?? "None"} />
        <Row label="Date of birth" value={a.birthdate ?? "Not given"} />
        <Row label="Created" value={when(a.createdAt)} />
        <Row label="Last signed in" value={when(a.lastSignedInAt)} />
        <Row label="Status" value={props.block ? "Blocked" : "Active"} action={{ href: props.block ? `${base}/unblock` : `${base}/block`, text: props.block ? "Unblock" : "Block" }} />
      </dl>
      <h2 class="govuk-heading-m">TRN</h2>
      <p class="govuk-body" id="trn-binding" safe>
        {a.trn ? `This account holds TRN ${a.trn}.` : "This account holds no TRN."}
      </p>
      {/* Other features' panels (support's actions and the records summary): each brings its own heading. */}
      {props.panels.length ? (
        (props.panels.join("") as "safe")
      ) : (
        <section id="records-summary" aria-labelledby="records-summary-heading">
          <h2 class="govuk-heading-m" id="records-summary-heading">
            Teaching record
          </h2>
          <p class="govuk-body">The records summary (open change requests and invitations) is not available in this version of the console.</p>
        </section>
      )}
      <h2 class="govuk-heading-m" id="sessions-heading">Sessions</h2>
      {props.sessions.length ? (
        <ul class="govuk-list govuk-list--bullet" aria-labelledby="sessions-heading">
          {props.sessions.map((s) => (
            <li safe>{`Signed in ${when(s.authTime)}, ends ${when(s.expiresAt)}`}</li>
          ))}
        </ul>
      ) : (
        <p class="govuk-body">No live sessions.</p>
      )}
      <h2 class="govuk-heading-m" id="grants-heading">Grants</h2>
      {props.grants.length ? (
        <table class="govuk-table" aria-labelledby="grants-heading">
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header">Service (client)</th>
              <th scope="col" class="govuk-table__header">Scopes</th>
              <th scope="col" class="govuk-table__header">Granted</th>
              <th scope="col" class="govuk-table__header">Status</th>
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {props.grants.map((g) => (
              <tr class="govuk-table__row">
                <td class="govuk-table__cell" safe>{g.clientId}</td>
                <td class="govuk-table__cell" safe>{g.scope}</td>
                <td class="govuk-table__cell" safe>{when(g.createdAt)}</td>
                <td class="govuk-table__cell" safe>{g.revokedAt === null ? "Standing" : `Revoked ${when(g.revokedAt)}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="govuk-body">No grants.</p>
      )}
      <h2 class="govuk-heading-m" id="timeline-heading">Timeline</h2>
      {props.events.length ? (
        <table class="govuk-table" aria-labelledby="timeline-heading" id="timeline">
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header">When</th>
              <th scope="col" class="govuk-table__header">What</th>
              <th scope="col" class="govuk-table__header">By</th>
              <th scope="col" class="govuk-table__header">Details</th>
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {props.events.map((e) => (
              <tr class="govuk-table__row">
                <td class="govuk-table__cell" safe>{when(e.time)}</td>
                <td class="govuk-table__cell" safe>{e.type}</td>
                <td class="govuk-table__cell" safe>{e.actor}</td>
                <td class="govuk-table__cell" safe>{JSON.stringify(e.payload)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="govuk-body">No events.</p>
      )}
    </ConsolePage>
  );
}

export function ChangeEmailPage(props: Common & { account: Account; value?: string; error?: string }): JSX.Element {
  const base = `/admin/teachers/${props.account.id}`;
  return (
    <ConsolePage title="Change email address" brand={props.brand} member={props.member} hasErrors={Boolean(props.error)} backLink={base}>
      <ErrorSummary errors={props.error ? { email: props.error } : {}} />
      <PostForm action={`${base}/email`} csrfToken={props.csrfToken}>
        <TextField id="email" label="New email address" labelIsHeading hint="Only after you have confirmed by other means that the teacher owns it. No code is sent to it." value={props.value} error={props.error} type="email" spellcheck={false} />
        <p class="govuk-body" safe>{`Current address: ${props.account.email}`}</p>
        <Button text="Continue" />
      </PostForm>
    </ConsolePage>
  );
}

export function ChangeMobilePage(props: Common & { account: Account; value?: string; error?: string }): JSX.Element {
  const base = `/admin/teachers/${props.account.id}`;
  return (
    <ConsolePage title="Change mobile number" brand={props.brand} member={props.member} hasErrors={Boolean(props.error)} backLink={base}>
      <ErrorSummary errors={props.error ? { phone: props.error } : {}} />
      <PostForm action={`${base}/mobile`} csrfToken={props.csrfToken}>
        <TextField id="phone" label="New mobile number" labelIsHeading hint="For international numbers include the country code, like +33 6 12 34 56 78" value={props.value} error={props.error} type="tel" autocomplete="off" />
        <p class="govuk-body" safe>{`Current number: ${props.account.phoneNumber ? displayPhone(props.account.phoneNumber) : "none"}`}</p>
        <Button text="Continue" />
      </PostForm>
      {props.account.phoneNumber ? (
        <PostForm action={`${base}/mobile`} csrfToken={props.csrfToken}>
          <input type="hidden" name="remove" value="yes" />
          <Button text="Remove the mobile number instead" secondary />
        </PostForm>
      ) : (
        ""
      )}
    </ConsolePage>
  );
}

export function EmailInUsePage(props: Omit<Common, "csrfToken"> & { account: Account }): JSX.Element {
  return (
    <ConsolePage title="Another account has this email address" brand={props.brand} member={props.member} backLink={`/admin/teachers/${props.account.id}/email`}>
      <h1 class="govuk-heading-l">Another account has this email address</h1>
      <p class="govuk-body">Nothing was changed. Find the other account: if both belong to this teacher, they may need merging.</p>
    </ConsolePage>
  );
}
