// The console's teacher routes: find (GET /admin), see, change email or mobile, block, unblock.
// Each change: a form, then a confirmation page that says exactly what will change and takes a
// reason, then the change with its audit event.
import { supportContact } from "../../../config/config";
import { formFields, htmlResponse, seeOther } from "../../../web/html";
import { accountBlock } from "../../accounts/account-blocks";
import { findAccountById, type Account } from "../../accounts/accounts";
import type { RouteContext } from "../../journey/journey-guard";
import { tooManyRequests } from "../../rate-limit/rate-limit-pages";
import { hitRateLimits } from "../../rate-limit/rate-limit";
import { displayPhone, parseMobileNumber, parseNewEmail } from "../../register/register-answers";
import type { AdminDeps } from "../admin-deps";
import { ConfirmPage, consoleBrand, ForbiddenPage, parseReason } from "../admin-layout";
import { consoleRoute, staffSearchesPerWindow, type SignedInStaff } from "../admin-page";
import type { ConsoleRouteEntry } from "../sign-in/sign-in-routes";
import type { StaffMember } from "../staff-guard";
import { ChangeEmailPage, ChangeMobilePage, EmailInUsePage, SearchPage, TeacherPage } from "./teacher-pages";
import {
  blockAccount,
  grantsOf,
  liveSessionsOf,
  searchAccounts,
  searchPageSize,
  timelineOf,
  staffChangeEmail,
  staffChangePhone,
  unblockAccount,
} from "./teacher-support";

/** A panel on the teacher page (e.g. the records summary), as rendered HTML. */
export type TeacherPanel = (account: Account, member: StaffMember) => Promise<string> | string;

const param = (ctx: RouteContext, name: string) => ctx.params?.[name] ?? "";
const query = (ctx: RouteContext, name: string) => new URL(ctx.request.url).searchParams.get(name);

export function teacherRoutes(deps: AdminDeps, panels: TeacherPanel[] = []): ConsoleRouteEntry[] {
  const brand = deps.brand;
  const notFound = (member: SignedInStaff) => htmlResponse(ForbiddenPage({ brand, member, message: "There is no Teacher ID account with that sub." }), 404);
  /** Runs `handler` with the account named in the path. */
  const withAccount = (handler: (member: SignedInStaff, account: Account, ctx: RouteContext) => Response | Promise<Response>) =>
    consoleRoute(deps, "support", (member, ctx) => {
      const account = findAccountById(deps.db, param(ctx, "sub"));
      return account ? handler(member, account, ctx) : notFound(member);
    });
  const by = (member: SignedInStaff, reason: string) => ({ staffId: member.id, reason });

  return [
    {
      path: "/admin",
      access: "support",
      get: consoleRoute(deps, "support", (member, ctx) => {
        const q = (query(ctx, "q") ?? "").trim();
        if (q === "") return htmlResponse(<SearchPage brand={brand} member={member} query="" error={query(ctx, "q") === null ? undefined : "Enter an email address, TRN, name or sub"} />, query(ctx, "q") === null ? 200 : 400);
        if (q.length > 254) return htmlResponse(<SearchPage brand={brand} member={member} query="" error="Search for 254 characters or fewer" />, 400);
        const now = deps.now();
        const limit = hitRateLimits(deps.db, [{ key: `admin-search:${member.id}`, rule: { limit: staffSearchesPerWindow, windowMs: deps.config.RATE_LIMIT_WINDOW } }], now);
        if (!limit.allowed) return tooManyRequests(consoleBrand(brand), { retryAt: limit.retryAt, backLink: "/admin", what: "You have searched too many times in a short time." }, now);
        const page = Math.max(1, Math.min(10_000, Number.parseInt(query(ctx, "page") ?? "1", 10) || 1));
        const found = searchAccounts(deps.db, q, page);
        deps.logger.info("admin_search", { staff_id: member.id, kind: found.kind, results: found.total });
        const pages = Math.max(1, Math.ceil(found.total / searchPageSize));
        return htmlResponse(<SearchPage brand={brand} member={member} query={q} results={{ ...found, page, pages }} />);
      }),
    },
    {
      path: "/admin/teachers/:sub",
      access: "support",
      get: withAccount(async (member, account, ctx) => {
        const rendered: string[] = [];
        for (const panel of panels) rendered.push(await panel(account, member));
        return htmlResponse(
          <TeacherPage
            brand={brand}
            member={member}
            account={account}
            block={accountBlock(deps.db, account.id)}
            sessions={liveSessionsOf(deps.db, account.id, deps.now())}
            grants={grantsOf(deps.db, account.id)}
            events={timelineOf(deps.db, account.id)}
            done={query(ctx, "done")}
            panels={rendered}
          />,
        );
      }),
    },
    {
      path: "/admin/teachers/:sub/email",
      access: "support",
      get: withAccount((member, account, ctx) => htmlResponse(<ChangeEmailPage brand={brand} member={member} csrfToken={ctx.csrfToken} account={account} />)),
      post: withAccount((member, account, ctx) => {
        const form = formFields(ctx.body);
        const parsed = parseNewEmail(form.email, account.email);
        if (!parsed.ok) {
          const message = parsed.message.startsWith("This is already") ? "This is already the account's email address. Enter a different one" : parsed.message;
          return htmlResponse(<ChangeEmailPage brand={brand} member={member} csrfToken={ctx.csrfToken} account={account} value={form.email} error={message} />, 400);
        }
        const confirm = (error?: string) =>
          htmlResponse(
            <ConfirmPage
              brand={brand}
              member={member}
              csrfToken={ctx.csrfToken}
              title="Confirm the new email address"
              action={`/admin/teachers/${account.id}/email`}
              backLink={`/admin/teachers/${account.id}/email`}
              whatWillChange={[["Email address", `${account.email} will become ${parsed.value}`], ["Notice", `${account.email} will be emailed that the address was changed`]]}
              hidden={{ email: parsed.value }}
              button="Change email address"
              reason={form.reason}
              error={error}
            />,
            error ? 400 : 200,
          );
        if (form.confirm !== "yes") return confirm();
        const reason = parseReason(form.reason);
        if (!reason.ok) return confirm(reason.message);
        const result = staffChangeEmail(deps.db, account, parsed.value, by(member, reason.value), supportContact(deps.config).email, deps.now());
        if (!result.ok) return htmlResponse(<EmailInUsePage brand={brand} member={member} account={account} />, 409);
        deps.nudgeOutbox();
        deps.logger.info("admin_email_changed", { staff_id: member.id, account_id: account.id });
        return seeOther(`/admin/teachers/${account.id}?done=email`);
      }),
    },
    {
      path: "/admin/teachers/:sub/mobile",
      access: "support",
      get: withAccount((member, account, ctx) => htmlResponse(<ChangeMobilePage brand={brand} member={member} csrfToken={ctx.csrfToken} account={account} />)),
      post: withAccount((member, account, ctx) => {
        const form = formFields(ctx.body);
        let phone: string | null = null;
        if (form.remove !== "yes") {
          const parsed = parseMobileNumber(form.phone ?? "");
          if (!parsed.ok) return htmlResponse(<ChangeMobilePage brand={brand} member={member} csrfToken={ctx.csrfToken} account={account} value={form.phone} error={parsed.message.replace("your mobile", "the mobile")} />, 400);
          phone = parsed.value;
        } else if (!account.phoneNumber) {
          return htmlResponse(<ChangeMobilePage brand={brand} member={member} csrfToken={ctx.csrfToken} account={account} error="The account has no mobile number to remove" />, 400);
        }
        const current = account.phoneNumber ? displayPhone(account.phoneNumber) : "none";
        const confirm = (error?: string) =>
          htmlResponse(
            <ConfirmPage
              brand={brand}
              member={member}
              csrfToken={ctx.csrfToken}
              title={phone ? "Confirm the new mobile number" : "Confirm removing the mobile number"}
              action={`/admin/teachers/${account.id}/mobile`}
              backLink={`/admin/teachers/${account.id}/mobile`}
              whatWillChange={[["Mobile number", phone ? `${current} will become ${displayPhone(phone)}` : `${current} will be removed`]]}
              hidden={phone ? { phone } : { remove: "yes" }}
              button={phone ? "Change mobile number" : "Remove mobile number"}
              reason={form.reason}
              error={error}
            />,
            error ? 400 : 200,
          );
        if (form.confirm !== "yes") return confirm();
        const reason = parseReason(form.reason);
        if (!reason.ok) return confirm(reason.message);
        staffChangePhone(deps.db, account, phone, by(member, reason.value), deps.now());
        deps.logger.info("admin_mobile_changed", { staff_id: member.id, account_id: account.id, removed: phone === null });
        return seeOther(`/admin/teachers/${account.id}?done=${phone ? "mobile" : "mobile-removed"}`);
      }),
    },
    ...(["block", "unblock"] as const).map((action): ConsoleRouteEntry => {
      const confirm = (member: SignedInStaff, account: Account, ctx: RouteContext, form: Record<string, string> = {}, error?: string) =>
        htmlResponse(
          <ConfirmPage
            brand={brand}
            member={member}
            csrfToken={ctx.csrfToken}
            title={action === "block" ? "Block this account" : "Unblock this account"}
            action={`/admin/teachers/${account.id}/${action}`}
            backLink={`/admin/teachers/${account.id}`}
            whatWillChange={
              action === "block"
                ? [
                    ["Account", `${account.email} will not be able to sign in until it is unblocked`],
                    ["Sessions", "Every Teacher ID session of the account ends now"],
                    ["Services", "Every service's access (grants, refresh tokens) is revoked now: services must ask the teacher to sign in again"],
                  ]
                : [["Account", `${account.email} will be able to sign in again (services it used must be signed in to again)`]]
            }
            warning={action === "block" ? "The teacher is told the account is blocked when they next try to sign in." : undefined}
            button={action === "block" ? "Block account" : "Unblock account"}
            warningButton={action === "block"}
            reason={form.reason}
            error={error}
          />,
          error ? 400 : 200,
        );
      return {
        path: `/admin/teachers/:sub/${action}`,
        access: "support",
        get: withAccount((member, account, ctx) => confirm(member, account, ctx)),
        post: withAccount((member, account, ctx) => {
          const form = formFields(ctx.body);
          const reason = parseReason(form.reason);
          if (!reason.ok) return confirm(member, account, ctx, form, reason.message);
          const changed = action === "block" ? blockAccount(deps.db, account.id, by(member, reason.value), deps.now()) : unblockAccount(deps.db, account.id, by(member, reason.value), deps.now());
          deps.logger.info(`admin_account_${action}ed`, { staff_id: member.id, account_id: account.id, changed });
          return seeOther(`/admin/teachers/${account.id}?done=${action}ed`);
        }),
      };
    }),
  ];
}

