// "Your details are wrong? Request a change": the teacher asks records to correct their name or date
// of birth, with one evidence file (a multipart form, no JavaScript). access keeps nothing: it
// forwards the form and the file to records with the teacher's own access token, and shows records'
// case reference (read back from GET /v3/teacher, so a refresh or a bookmark shows it again).
//
// GET  /change-requests                 what to change (name or date of birth)
// GET|POST /change-requests/name        the correct name and the evidence (multipart)
// GET|POST /change-requests/date-of-birth
// GET  /change-requests/{caseReference} the confirmation panel
import { Elysia } from "elysia";
import type { ServiceAppOptions } from "../../web/create-service-app";
import { csrfTokenFor } from "../../web/csrf";
import { formFields, htmlResponse, seeOther } from "../../web/html";
import { MemoryRateLimiter } from "../../rate-limit/leaky-bucket";
import { largestBodyLimit } from "../../web/request-body";
import type { AccessContext } from "../context";
import { ownTeacherRecord } from "../qualifications/own-record";
import { AmbiguousRecordPage, NoRecordPage, RecordsUnavailablePage } from "../qualifications/qualifications-pages";
import { requireSession, signInAgain } from "../sessions/require-session";
import type { AccessSession } from "../sessions/session";
import { dateAnswers, dateOfBirthFrom, evidenceFiles, formErrorsFrom, nameAnswers, type ChangeKind } from "./change-request-form";
import {
  changeRequestPaths as paths,
  ChooseChangePage,
  DateOfBirthChangePage,
  NameChangePage,
  RequestNotFoundPage,
  RequestSentPage,
  TooManyChangeRequestsPage,
  TooManyRequestsPage,
} from "./change-request-pages";
import type { FormErrors } from "./form-fields";
import { fileTooLargeMessage, sendChangeRequest } from "./records-change-requests";

const caseReferencePattern = /^CASE-[A-Z0-9]{6}$/;
const csrfOf = (context: object) => (context as { csrfToken: string }).csrfToken;

/**
 * The two forms take a file: createServiceApp lets them take multipart/form-data, up to the largest
 * body limit. A larger file is refused by its Content-Length, unread, with the form again and its
 * error summary (the teacher's answers are not read either, so the form comes back empty).
 */
export function changeRequestUploadPages(ctx: AccessContext): NonNullable<ServiceAppOptions["uploadPages"]> {
  const tooLarge = (render: (csrfToken: string, errors: FormErrors) => JSX.Element) => (request: Request) => {
    const csrf = csrfTokenFor(request.headers.get("cookie"), "access", ctx.secure);
    return htmlResponse(render(csrf.token, { evidence: fileTooLargeMessage }), 413, csrf.setCookie ? { "set-cookie": csrf.setCookie } : {});
  };
  return {
    [paths.name]: {
      limit: largestBodyLimit,
      tooLarge: tooLarge((csrfToken, errors) => <NameChangePage brand={ctx.brand} csrfToken={csrfToken} answers={{}} errors={errors} />),
    },
    [paths.dateOfBirth]: {
      limit: largestBodyLimit,
      tooLarge: tooLarge((csrfToken, errors) => <DateOfBirthChangePage brand={ctx.brand} csrfToken={csrfToken} answers={{}} errors={errors} />),
    },
  };
}

/**
 * Sends (each carrying up to 10 MB) per teacher per hour: records keeps at most 3 open requests,
 * but every send still costs an upload, a file-type check and a call to records.
 */
export const changeRequestsPerHour = 10;

export function changeRequestRoutes(ctx: AccessContext) {
  const sendsPerTeacher = new MemoryRateLimiter({ limit: changeRequestsPerHour, windowMs: 60 * 60_000 });

  /** Sends the request to records: on to the confirmation, or the form again with records' errors, or the page that explains. */
  async function send(
    session: AccessSession,
    kind: ChangeKind,
    fields: Record<string, string>,
    body: unknown,
    formAgain: (errors: FormErrors) => Response,
  ): Promise<Response> {
    const allowed = sendsPerTeacher.hit(session.sub);
    if (!allowed.allowed) {
      ctx.log.warn("change_request_rate_limited", { sub: session.sub });
      const retryAfter = String(Math.max(1, Math.ceil((allowed.retryAt - Date.now()) / 1000)));
      return htmlResponse(<TooManyChangeRequestsPage brand={ctx.brand} retryAt={allowed.retryAt} />, 429, { "retry-after": retryAfter });
    }
    const answer = await sendChangeRequest(ctx.config.urls.records, session.accessToken, kind, fields, evidenceFiles(body));
    if (answer.ok) {
      ctx.log.info("change_request_sent", { sub: session.sub, type: kind, caseReference: answer.caseReference });
      return seeOther(paths.requested(answer.caseReference));
    }
    switch (answer.reason) {
      case "invalid":
        return formAgain(formErrorsFrom(kind, answer.errors));
      case "too_many_open":
        return htmlResponse(<TooManyRequestsPage brand={ctx.brand} message={answer.message} />, 409);
      case "unauthorized":
        ctx.log.info("records_token_refused", { sub: session.sub });
        return signInAgain(kind === "name" ? paths.name : paths.dateOfBirth);
      case "no_record":
        return htmlResponse(<NoRecordPage brand={ctx.brand} />, 404);
      case "ambiguous":
        return htmlResponse(<AmbiguousRecordPage brand={ctx.brand} />, 409);
      case "unavailable":
        ctx.log.error("records_unavailable", { reason: "change_request", detail: answer.detail });
        return htmlResponse(<RecordsUnavailablePage brand={ctx.brand} />, 503);
    }
  }

  return new Elysia({ name: "access-change-requests" })
    .get(paths.start, (context) => {
      const { session, response } = requireSession(ctx, context.request);
      if (!session) return response;
      return htmlResponse(<ChooseChangePage brand={ctx.brand} csrfToken={csrfOf(context)} />);
    })
    .post(paths.start, (context) => {
      const { session, response } = requireSession(ctx, context.request);
      if (!session) return response;
      const detail = formFields(context.body).detail;
      if (detail === "name") return seeOther(paths.name);
      if (detail === "date-of-birth") return seeOther(paths.dateOfBirth);
      return htmlResponse(<ChooseChangePage brand={ctx.brand} csrfToken={csrfOf(context)} error="Select what you want to change" />, 400);
    })
    .get(paths.name, (context) => {
      const { session, response } = requireSession(ctx, context.request);
      if (!session) return response;
      return htmlResponse(<NameChangePage brand={ctx.brand} csrfToken={csrfOf(context)} answers={{}} errors={{}} />);
    })
    .post(paths.name, async (context) => {
      const { session, response } = requireSession(ctx, context.request);
      if (!session) return response;
      const answers = nameAnswers(context.body);
      const fields = { firstName: answers.firstName ?? "", middleName: answers.middleName ?? "", lastName: answers.lastName ?? "" };
      return send(session, "name", fields, context.body, (errors) =>
        htmlResponse(<NameChangePage brand={ctx.brand} csrfToken={csrfOf(context)} answers={answers} errors={errors} />, 400),
      );
    })
    .get(paths.dateOfBirth, (context) => {
      const { session, response } = requireSession(ctx, context.request);
      if (!session) return response;
      return htmlResponse(<DateOfBirthChangePage brand={ctx.brand} csrfToken={csrfOf(context)} answers={{}} errors={{}} />);
    })
    .post(paths.dateOfBirth, async (context) => {
      const { session, response } = requireSession(ctx, context.request);
      if (!session) return response;
      const answers = dateAnswers(context.body);
      const formAgain = (errors: FormErrors) =>
        htmlResponse(<DateOfBirthChangePage brand={ctx.brand} csrfToken={csrfOf(context)} answers={answers} errors={errors} />, 400);
      const date = dateOfBirthFrom(answers);
      // A date that is not one goes no further: records would only say the same, and keep nothing.
      if (!date.ok) return formAgain({ [date.field === "date-of-birth" ? "date-of-birth-day" : date.field]: date.message });
      return send(session, "dateOfBirth", { dateOfBirth: date.value }, context.body, formAgain);
    })
    .get("/change-requests/:caseReference", async ({ params, request }) => {
      const { session, response } = requireSession(ctx, request);
      if (!session) return response;
      if (!caseReferencePattern.test(params.caseReference)) return htmlResponse(<RequestNotFoundPage brand={ctx.brand} />, 404);
      const found = await ownTeacherRecord(ctx, session, paths.requested(params.caseReference));
      if ("response" in found) return found.response;
      const change = (found.teacher.pendingDetailChanges ?? []).find((c) => c.caseReference === params.caseReference);
      if (!change) return htmlResponse(<RequestNotFoundPage brand={ctx.brand} />, 404);
      return htmlResponse(
        <RequestSentPage brand={ctx.brand} caseReference={change.caseReference} createdUtc={change.createdUtc} emailed={!!found.teacher.email} />,
      );
    });
}
