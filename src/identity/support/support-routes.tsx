// The support console's operations on accounts and on records (thin routes over the service
// functions in this folder). identity's service mounts them through adminRoutes' plugin list
// (ADMIN_ALLOWED_IPS and no-store apply), with the console's resolver (staffResolver). Every route
// asks it who is acting and checks the role (`mayAct`): signed out (or a teacher's session), a GET
// goes to the console's sign-in page and a POST is refused (403). Every
// POST needs a reason (without one the page comes back with an error summary and nothing changes),
// is rate-limited per staff member, and ends in a 303 to the page with a success banner.
import { Elysia } from "elysia";
import { z } from "zod";
import type { Logger } from "../../log/logger";
import { durationInWords } from "../../mail/time-in-words";
import { hasBidiControl } from "../../text/names";
import { formFields, htmlResponse, seeOther } from "../../web/html";
import type { ServiceBrand } from "../../web/layout";
import { findAccountById } from "../accounts/accounts";
import type { IdentityDatabaseFile } from "../db/database";
import { hitRateLimit } from "../rate-limit/rate-limit";
import type { TeacherLookup } from "../register/records-client";
import { mergeAccounts, mergeRefusal } from "./merge-accounts";
import { sendLinkToCorrectedEmail, type NewLinkSettings } from "./new-magic-link";
import type { RecordsSupportClient } from "./records-support-client";
import { mayAct } from "../admin/staff-guard";
import type { ResolveStaff, StaffMember, StaffRole } from "./staff";
import { ChangeRequestPage, MergePage, NewLinkPage, SupportMessagePage, TrnPage, type Errors } from "./support-pages";
import { assignTrn, removeTrn } from "./trn-assignment";

export interface SupportDeps {
  db: IdentityDatabaseFile;
  brand: ServiceBrand;
  logger: Logger;
  /** records' GET /v2/teachers/{trn} (identity's client, teachers:read). */
  findTeacher: TeacherLookup;
  /** records' support API (identity's client, support:read support:write). */
  records: RecordsSupportClient;
  newLink: NewLinkSettings;
  /** Posts one staff member may make a minute, over all these pages. */
  postsPerMinute: number;
  /** Called after an email is put in identity's outbox, so the worker sends it now. */
  onEmailEnqueued?: () => void;
}

interface Ctx {
  request: Request;
  body?: unknown;
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  csrfToken?: string;
}

const reasonSchema = z
  .string()
  .trim()
  .min(1, "Enter a reason")
  .max(1000, "Reason must be 1000 characters or fewer")
  .refine((v) => !hasBidiControl(v), "Reason must not contain bidirectional control characters");
const trnSchema = z.string().trim().regex(/^\d{7}$/, "Enter a TRN that is 7 digits, like 1234567");
const emailSchema = z.string().trim().toLowerCase().pipe(z.email("Enter an email address in the correct format, like name@example.com").max(254));
const subSchema = z.string().trim().min(1, "Enter the account's id (sub)").max(100);
const referenceSchema = z.string().regex(/^CASE-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}$/);

/** Each field's first message, in the order the fields are given. */
function check(fields: Record<string, [z.ZodType, unknown]>): { values: Record<string, string>; errors: Errors } {
  const values: Record<string, string> = {};
  const errors: Errors = {};
  for (const [name, [schema, value]] of Object.entries(fields)) {
    const parsed = schema.safeParse(value ?? "");
    if (parsed.success) values[name] = parsed.data as string;
    else errors[name] = parsed.error.issues[0]?.message ?? "Check this";
  }
  return { values, errors };
}

/** Where a signed-out GET goes (the console's sign-in page). */
const consoleSignInPath = "/admin/sign-in";

const hasErrors = (errors: Errors) => Object.keys(errors).length > 0;

const doneMessages: Record<string, string> = {
  "trn-assigned": "The TRN was assigned.",
  "trn-removed": "The TRN was removed.",
  "link-sent": "The new link is being sent.",
  merged: "The accounts were merged.",
  approved: "The change request was approved, the teaching record changed and the teacher is being emailed.",
  rejected: "The change request was rejected and the teacher is being emailed.",
};

/**
 * The check each support route runs first, returning the staff member or the Response to stop with:
 * signed out (or a teacher's session), a GET goes to the console's sign-in page and a POST is 403; a
 * role below `needs` is 403; posts are rate-limited per staff member.
 */
export function staffGate(deps: Pick<SupportDeps, "db" | "brand" | "postsPerMinute">, resolveStaff: ResolveStaff) {
  const { db, brand } = deps;
  const message = (status: number, title: string, text: string) => htmlResponse(<SupportMessagePage brand={brand} title={title} message={text} />, status);
  return (ctx: { request: Request }, posting: boolean, needs: StaffRole = "support"): StaffMember | Response => {
    const staff = resolveStaff(ctx.request);
    if (!staff) {
      if (!posting) return seeOther(consoleSignInPath);
      return message(403, "You cannot use this page", "Only Teacher ID support staff who are signed in to the support console can use this page.");
    }
    if (!mayAct(staff.role, needs)) return message(403, "You cannot use this page", "Only admins can use this page.");
    if (posting) {
      const limit = hitRateLimit(db, `support:post:staff:${staff.id}`, { limit: deps.postsPerMinute, windowMs: 60_000 });
      if (!limit.allowed) {
        const seconds = Math.max(1, Math.ceil((limit.retryAt - Date.now()) / 1000));
        return htmlResponse(
          <SupportMessagePage brand={brand} title="Too many changes" message={`You have made a lot of changes in the last minute. Nothing was changed. Try again in ${durationInWords(seconds * 1000)}.`} />,
          429,
          { "retry-after": String(seconds) },
        );
      }
    }
    return staff;
  };
}

export function supportOperationRoutes(deps: SupportDeps, resolveStaff: ResolveStaff) {
  const { db, brand, logger } = deps;
  const message = (status: number, title: string, text: string) => htmlResponse(<SupportMessagePage brand={brand} title={title} message={text} />, status);
  const notFound = (what: string) => message(404, `${what} not found`, `There is no ${what.toLowerCase()} with this id. Check it and try again.`);
  const recordsDown = () => message(503, "Sorry, there is a problem", "The teaching record could not be reached. Nothing was changed. Try again in a few minutes.");
  const done = (query: Ctx["query"]) => (query.done ? doneMessages[query.done] : undefined);

  const staffFor = staffGate(deps, resolveStaff);

  const csrf = (ctx: Ctx) => ctx.csrfToken ?? "";

  return (
    new Elysia({ name: "identity-support-operations" })
      // ---- Assign or remove a TRN ------------------------------------------------------------
      .get("/admin/teachers/:sub/trn", (ctx: Ctx) => {
        const staff = staffFor(ctx, false);
        if (staff instanceof Response) return staff;
        const account = findAccountById(db, ctx.params.sub);
        if (!account) return notFound("Account");
        return htmlResponse(<TrnPage brand={brand} member={staff} csrfToken={csrf(ctx)} account={account} done={done(ctx.query)} />);
      })
      .post("/admin/teachers/:sub/trn", async (ctx: Ctx) => {
        const staff = staffFor(ctx, true);
        if (staff instanceof Response) return staff;
        const account = findAccountById(db, ctx.params.sub);
        if (!account) return notFound("Account");
        const form = formFields(ctx.body);
        const path = `/admin/teachers/${encodeURIComponent(account.id)}/trn`;
        const again = (errors: Errors, status = 400) =>
          htmlResponse(<TrnPage brand={brand} member={staff} csrfToken={csrf(ctx)} account={account} values={form} errors={errors} />, status);
        if (form.action === "remove") {
          const { values, errors } = check({ reason: [reasonSchema, form.reason] });
          if (account.trn === null || form.trn !== account.trn) return again({ reason: "The account's TRN has changed since this page was shown. Check it and try again" }, 409);
          if (hasErrors(errors)) return again(errors);
          const outcome = removeTrn(db, { staff, reason: values.reason!, sub: account.id, trn: account.trn });
          if (outcome.kind !== "removed") return again({ reason: "The account's TRN has changed since this page was shown. Check it and try again" }, 409);
          logger.info("support_trn_removed", { staff_id: staff.id, sub: account.id });
          return seeOther(`${path}?done=trn-removed`);
        }
        const { values, errors } = check({ trn: [trnSchema, form.trn], reason: [reasonSchema, form.reason] });
        if (account.trn !== null) return again({ trn: "This account already has a TRN. Remove it before you assign another" }, 409);
        if (hasErrors(errors)) return again(errors);
        const outcome = await assignTrn(db, async (trn) => (await deps.findTeacher(trn)).status, { staff, reason: values.reason!, sub: account.id, trn: values.trn! });
        switch (outcome.kind) {
          case "bound":
          case "unchanged":
            logger.info("support_trn_assigned", { staff_id: staff.id, sub: account.id });
            return seeOther(`${path}?done=trn-assigned`);
          case "no-account":
            return notFound("Account");
          case "no-teacher":
            return again({ trn: "No teaching record has this TRN" });
          case "records-unavailable":
            return again({ trn: "The teaching record could not be checked just now. Nothing was changed. Try again in a few minutes" }, 503);
          case "trn-bound-elsewhere":
            return again({ trn: "Another Teacher ID account holds this TRN. Nothing was changed. Merge the accounts, or remove the TRN from the other account first" }, 409);
          case "account-has-other-trn":
            return again({ trn: "This account already has a TRN. Remove it before you assign another" }, 409);
        }
      })
      // ---- Send a new link to a corrected email address ---------------------------------------
      .get("/admin/new-link", (ctx: Ctx) => {
        const staff = staffFor(ctx, false);
        if (staff instanceof Response) return staff;
        const account = ctx.query.sub ? findAccountById(db, ctx.query.sub) : undefined;
        if (ctx.query.sub && !account) return notFound("Account");
        return htmlResponse(<NewLinkPage brand={brand} member={staff} csrfToken={csrf(ctx)} account={account} linkLifetime={durationInWords(deps.newLink.ttlMs)} done={done(ctx.query)} />);
      })
      .post("/admin/new-link", async (ctx: Ctx) => {
        const staff = staffFor(ctx, true);
        if (staff instanceof Response) return staff;
        const form = formFields(ctx.body);
        const account = form.sub ? findAccountById(db, form.sub) : undefined;
        if (form.sub && !account) return notFound("Account");
        const again = (errors: Errors, status = 400, headers: Record<string, string> = {}) =>
          htmlResponse(
            <NewLinkPage brand={brand} member={staff} csrfToken={csrf(ctx)} account={account} linkLifetime={durationInWords(deps.newLink.ttlMs)} values={form} errors={errors} />,
            status,
            headers,
          );
        const { values, errors } = check({ trn: [trnSchema, form.trn], email: [emailSchema, form.email], reason: [reasonSchema, form.reason] });
        if (hasErrors(errors)) return again(errors);
        const outcome = await sendLinkToCorrectedEmail(
          { db, findTeacher: deps.findTeacher, settings: deps.newLink },
          { staff, reason: values.reason!, sub: account?.id, trn: values.trn!, email: values.email! },
        );
        switch (outcome.kind) {
          case "sent":
            logger.info("support_new_link_sent", { staff_id: staff.id, sub: account?.id ?? null });
            deps.onEmailEnqueued?.();
            return seeOther(`/admin/new-link?done=link-sent${account ? `&sub=${encodeURIComponent(account.id)}` : ""}`);
          case "no-account":
            return notFound("Account");
          case "no-teacher":
            return again({ trn: "No teaching record has this TRN" });
          case "records-unavailable":
            return again({ trn: "The teaching record could not be checked just now. Nothing was sent. Try again in a few minutes" }, 503);
          case "trn-bound-elsewhere":
            return again({ trn: "Another Teacher ID account holds this TRN. Nothing was sent. That teacher can sign in with it" }, 409);
          case "account-has-other-trn":
            return again({ trn: "This account has a different TRN. Send the link for the account's own TRN" }, 409);
          case "rate-limited": {
            const seconds = Math.max(1, Math.ceil((outcome.retryAt - Date.now()) / 1000));
            return again({ email: `Too many links have been sent to this address or by you in the last hour. Nothing was sent. Try again in ${durationInWords(seconds * 1000)}` }, 429, {
              "retry-after": String(seconds),
            });
          }
        }
      })
      // ---- Merge two accounts -----------------------------------------------------------------
      .get("/admin/merge", (ctx: Ctx) => {
        const staff = staffFor(ctx, false);
        if (staff instanceof Response) return staff;
        const survivor = ctx.query.survivor ? findAccountById(db, ctx.query.survivor) : undefined;
        const merged = ctx.query.merged ? findAccountById(db, ctx.query.merged) : undefined;
        return htmlResponse(<MergePage brand={brand} member={staff} csrfToken={csrf(ctx)} survivor={survivor} merged={merged} done={done(ctx.query)} />);
      })
      .post("/admin/merge", (ctx: Ctx) => {
        const staff = staffFor(ctx, true);
        if (staff instanceof Response) return staff;
        const form = formFields(ctx.body);
        const { values, errors } = check({ survivor: [subSchema, form.survivor], merged: [subSchema, form.merged], reason: [reasonSchema, form.reason] });
        const survivor = values.survivor ? findAccountById(db, values.survivor) : undefined;
        const merged = values.merged ? findAccountById(db, values.merged) : undefined;
        if (values.survivor && !survivor) errors.survivor = "No account has this id";
        if (values.merged && !merged) errors.merged = "No account has this id";
        const refusal = survivor && merged ? mergeRefusal(survivor, merged) : undefined;
        if (refusal?.kind === "same-account") errors.merged = "This is the account that stays. Choose a different account to merge into it";
        if (refusal?.kind === "different-trns") {
          errors.merged = `These accounts have different TRNs (${refusal.survivorTrn} and ${refusal.mergedTrn}), so they are not the same teacher's. They cannot be merged`;
        }
        const again = (status = 400) =>
          htmlResponse(<MergePage brand={brand} member={staff} csrfToken={csrf(ctx)} survivor={survivor} merged={merged} values={form} errors={errors} />, status);
        if (hasErrors(errors)) return again(refusal ? 409 : 400);
        const outcome = mergeAccounts(db, { staff, reason: values.reason!, survivorSub: survivor!.id, mergedSub: merged!.id });
        if (outcome.kind !== "merged") {
          errors.merged = "One of the accounts changed while you were looking at it. Nothing was changed. Check them and try again";
          return again(409);
        }
        logger.info("support_accounts_merged", { staff_id: staff.id, survivor: outcome.survivor.id, merged: outcome.mergedSub, trn_moved: outcome.trnMoved !== null });
        return seeOther(`/admin/merge?done=merged&survivor=${encodeURIComponent(outcome.survivor.id)}`);
      })
      // ---- Change requests (at records) -------------------------------------------------------
      .get("/admin/change-requests/:reference", async (ctx: Ctx) => {
        const staff = staffFor(ctx, false);
        if (staff instanceof Response) return staff;
        if (!referenceSchema.safeParse(ctx.params.reference).success) return notFound("Change request");
        const found = await deps.records.changeRequest(ctx.params.reference);
        if (found.status === "not_found") return notFound("Change request");
        if (found.status === "unavailable") return recordsDown();
        return htmlResponse(<ChangeRequestPage brand={brand} member={staff} csrfToken={csrf(ctx)} detail={found.value} done={done(ctx.query)} />);
      })
      .post("/admin/change-requests/:reference", async (ctx: Ctx) => {
        const staff = staffFor(ctx, true);
        if (staff instanceof Response) return staff;
        if (!referenceSchema.safeParse(ctx.params.reference).success) return notFound("Change request");
        const found = await deps.records.changeRequest(ctx.params.reference);
        if (found.status === "not_found") return notFound("Change request");
        if (found.status === "unavailable") return recordsDown();
        const form = formFields(ctx.body);
        const { values, errors } = check({
          decision: [z.enum(["approve", "reject"], { error: "Select whether to approve or reject the request" }), form.decision],
          reason: [reasonSchema, form.reason],
        });
        const again = (status = 400) => htmlResponse(<ChangeRequestPage brand={brand} member={staff} csrfToken={csrf(ctx)} detail={found.value} values={form} errors={errors} />, status);
        if (hasErrors(errors)) return again();
        const decision = values.decision as "approve" | "reject";
        const outcome = await deps.records.decide(ctx.params.reference, decision, { reason: values.reason!, decidedBy: `staff:${staff.id}` });
        if (outcome.status === "not_found") return notFound("Change request");
        if (outcome.status === "unavailable") return recordsDown();
        if (outcome.status === "closed") {
          errors.decision = "Someone has already decided this request. Nothing was changed";
          return again(409);
        }
        logger.info("support_change_request_decided", { staff_id: staff.id, case_reference: ctx.params.reference, decision });
        const path = `/admin/change-requests/${encodeURIComponent(ctx.params.reference)}`;
        return seeOther(`${path}?done=${decision === "approve" ? "approved" : "rejected"}`);
      })
      .get("/admin/change-requests/:reference/evidence", async (ctx: Ctx) => {
        const staff = staffFor(ctx, false);
        if (staff instanceof Response) return staff;
        if (!referenceSchema.safeParse(ctx.params.reference).success) return notFound("Change request");
        const found = await deps.records.evidence(ctx.params.reference);
        if (found.status === "not_found") return notFound("Change request");
        if (found.status === "unavailable") return recordsDown();
        const upstream = found.response;
        logger.info("support_evidence_downloaded", { staff_id: staff.id, case_reference: ctx.params.reference });
        // records' own download headers, passed on: the browser saves the file and renders nothing of it here.
        return new Response(upstream.body, {
          headers: {
            "content-type": upstream.headers.get("content-type") ?? "application/octet-stream",
            "content-disposition": upstream.headers.get("content-disposition") ?? "attachment",
            "x-content-type-options": "nosniff",
            "content-security-policy": "default-src 'none'; sandbox",
            "cache-control": "no-store",
          },
        });
      })
  );
}
