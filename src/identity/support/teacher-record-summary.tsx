// TeacherRecordSummary: what records knows that support needs beside the account (the console's
// "see a teacher" page includes it): the TRN's status, open change requests and invitations, read
// live from records' support API. fetchTeacherRecordSummary gets its data; the component only shows it.
import { ukTime } from "../../mail/time-in-words";
import type { Read, RecordsSupportClient, TeacherSupportSummary } from "./records-support-client";

export type TeacherRecordSummaryData = { trn: null } | { trn: string; record: Read<TeacherSupportSummary> };

/** The data for an account's TRN (none: nothing to ask records). */
export async function fetchTeacherRecordSummary(records: RecordsSupportClient, trn: string | null): Promise<TeacherRecordSummaryData> {
  if (trn === null) return { trn: null };
  return { trn, record: await records.teacherSummary(trn) };
}

const when = (iso: string | null) => (iso ? ukTime(new Date(iso), { date: true }) : "Not yet");
const awardNames = { qts: "QTS", eyts: "EYTS", induction: "Induction passed" } as const;
const invitationStatus = { pending: "Waiting to be sent", sent: "Sent", failed: "Could not be sent" } as const;

export function requestedText(requested: TeacherSupportSummary["openChangeRequests"][number]["requested"]): string {
  return "dateOfBirth" in requested ? requested.dateOfBirth : [requested.firstName, requested.middleName, requested.lastName].filter(Boolean).join(" ");
}

export function TeacherRecordSummary(props: { data: TeacherRecordSummaryData }): JSX.Element {
  const { data } = props;
  return (
    <section aria-labelledby="teacher-record-heading">
      <h2 class="govuk-heading-m" id="teacher-record-heading">
        Teaching record
      </h2>
      {data.trn === null ? (
        <p class="govuk-body">This account has no TRN, so it is not linked to a teaching record.</p>
      ) : data.record.status === "unavailable" ? (
        <div class="govuk-inset-text">
          The teaching record for TRN <span safe>{data.trn}</span> could not be read just now. Try again in a few minutes.
        </div>
      ) : data.record.status === "not_found" ? (
        <div class="govuk-warning-text">
          <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
          <strong class="govuk-warning-text__text">
            <span class="govuk-visually-hidden">Warning</span>
            No teaching record has TRN <span safe>{data.trn}</span>.
          </strong>
        </div>
      ) : (
        <RecordDetails summary={data.record.value} />
      )}
    </section>
  );
}

function RecordDetails(props: { summary: TeacherSupportSummary }): JSX.Element {
  const { summary } = props;
  return (
    <>
      <dl class="govuk-summary-list">
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">TRN</dt>
          <dd class="govuk-summary-list__value" safe>
            {summary.trn}
          </dd>
        </div>
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">Name on the record</dt>
          <dd class="govuk-summary-list__value" safe>
            {summary.name}
          </dd>
        </div>
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">Email on the record</dt>
          <dd class="govuk-summary-list__value" safe>
            {summary.email ?? "None"}
          </dd>
        </div>
      </dl>
      <h3 class="govuk-heading-s">Open change requests</h3>
      {summary.openChangeRequests.length === 0 ? (
        <p class="govuk-body">None.</p>
      ) : (
        <ul class="govuk-list">
          {summary.openChangeRequests.map((change) => (
            <li>
              <a class="govuk-link" href={`/admin/change-requests/${encodeURIComponent(change.caseReference)}`} safe>
                {change.caseReference}
              </a>
              <span safe>{`: ${change.type === "name" ? "name" : "date of birth"} to ${requestedText(change.requested)}, asked ${when(change.createdUtc)}`}</span>
            </li>
          ))}
        </ul>
      )}
      <h3 class="govuk-heading-s">Invitations</h3>
      {summary.invitations.length === 0 ? (
        <p class="govuk-body">None sent.</p>
      ) : (
        <table class="govuk-table">
          <caption class="govuk-table__caption govuk-visually-hidden">Invitations sent for this TRN</caption>
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header">Award</th>
              <th scope="col" class="govuk-table__header">To</th>
              <th scope="col" class="govuk-table__header">Status</th>
              <th scope="col" class="govuk-table__header">Sent</th>
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {summary.invitations.map((invitation) => (
              <tr class="govuk-table__row">
                <td class="govuk-table__cell">{awardNames[invitation.award]}</td>
                <td class="govuk-table__cell" safe>
                  {invitation.email}
                </td>
                <td class="govuk-table__cell">{invitationStatus[invitation.status]}</td>
                <td class="govuk-table__cell" safe>
                  {when(invitation.sentUtc)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
