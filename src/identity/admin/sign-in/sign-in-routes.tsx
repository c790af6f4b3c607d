// /admin/sign-in...: email code, then TOTP (enrolled at the first sign-in) or a recovery code.
import QRCode from "qrcode";
import { formFields, htmlResponse, seeOther, withCookies } from "../../../web/html";
import { normaliseEmail } from "../../accounts/accounts";
import type { RouteContext } from "../../journey/journey-guard";
import { tooManyRequests } from "../../rate-limit/rate-limit-pages";
import { hitRateLimits } from "../../rate-limit/rate-limit";
import { checkTypedCode, codeErrors, sendEmailCode } from "../../security-codes/code-service";
import type { AdminDeps } from "../admin-deps";
import { consoleBrand, SignOutPage } from "../admin-layout";
import { staffSignInCodeEmail } from "../admin-messages";
import { consoleRoute, publicConsoleRoute, signInPath, staffIp } from "../admin-page";
import { clearStaffCookie, readStaffSession, staffCookieHash } from "../staff-guard";
import {
  completeEnrolment,
  decryptTotpSecret,
  encryptTotpSecret,
  findStaffByEmail,
  isPlausibleEmail,
  matchingTotpStep,
  newTotpSecret,
  totpFor,
  useRecoveryCode,
  useTotpCode,
} from "../staff/staff";
import { advanceSignIn, endStaffSession, pendingSignIn, staffOf, startStaffSignIn, type PendingSignIn } from "./staff-sign-in";
import { EnrolPage, RecoveryCodesPage, RecoveryPage, StaffCodePage, StaffEmailPage, TotpPage } from "./sign-in-pages";

const wrongTotp = "The code is incorrect or has been used. Enter the code your authenticator app shows now";
const wrongRecovery = "The recovery code is incorrect or has been used";

export interface ConsoleRouteEntry {
  path: string;
  /** Who may use it: "public" (the sign-in pages), "support" (any staff member), "admin". */
  access: "public" | "support" | "admin";
  get?: (c: unknown) => Promise<Response>;
  post?: (c: unknown) => Promise<Response>;
}

export function signInRoutes(deps: AdminDeps): ConsoleRouteEntry[] {
  const brand = deps.brand;
  const restart = () => seeOther(`${signInPath}?timed-out=1`);
  /** Limits tries of second factors per staff member (and per sign-in for unknown addresses). */
  const secondFactorLimited = (pending: PendingSignIn, ctx: RouteContext): Response | undefined => {
    const now = deps.now();
    const rule = { limit: deps.config.CODE_CHECK_LIMIT_PER_ADDRESS_AND_IP, windowMs: deps.config.RATE_LIMIT_WINDOW };
    const limit = hitRateLimits(deps.db, [{ key: `admin-2fa:${pending.staffId ?? pending.email}`, rule }, { key: `admin-2fa:ip:${staffIp(deps, ctx)}`, rule: { ...rule, limit: deps.config.CODE_CHECK_LIMIT_PER_IP } }], now);
    return limit.allowed ? undefined : tooManyRequests(consoleBrand(brand), { retryAt: limit.retryAt, what: "There have been too many attempts to sign in." }, now);
  };
  const signedIn = (pending: PendingSignIn) => {
    deps.logger.info("staff_signed_in", { staff_id: pending.staffId });
    return advanceSignIn(deps, pending, "signed-in");
  };

  return [
    {
      path: signInPath,
      access: "public",
      get: publicConsoleRoute(deps, (ctx) => {
        if (readStaffSession(deps.db, ctx.request, { secure: deps.secure, now: deps.now() })) return seeOther("/admin");
        const url = new URL(ctx.request.url);
        return htmlResponse(<StaffEmailPage brand={brand} csrfToken={ctx.csrfToken} signedOut={url.searchParams.has("signed-out")} timedOut={url.searchParams.has("timed-out")} />);
      }),
      post: publicConsoleRoute(deps, (ctx) => {
        const typed = formFields(ctx.body).email ?? "";
        const email = normaliseEmail(typed);
        if (email === "") return htmlResponse(<StaffEmailPage brand={brand} csrfToken={ctx.csrfToken} error="Enter your email address" />, 400);
        if (!isPlausibleEmail(email)) {
          return htmlResponse(<StaffEmailPage brand={brand} csrfToken={ctx.csrfToken} value={typed} error="Enter an email address in the correct format, like name@education.gov.uk" />, 400);
        }
        const member = findStaffByEmail(deps.db, email);
        // An address that is not staff's gets a code too, sent to nobody: the same work, the same page.
        const sent = sendEmailCode(deps.db, deps.config, { purpose: "staff_sign_in", email, ip: staffIp(deps, ctx), message: member ? (code) => staffSignInCodeEmail(email, code) : null }, deps.now());
        if (!sent.sent) return tooManyRequests(consoleBrand(brand), { retryAt: sent.retryAt, backLink: signInPath, what: "Too many security codes have been sent." });
        deps.nudgeOutbox();
        const cookie = startStaffSignIn(deps, { email, staffId: member?.id ?? null, codeId: sent.codeId }, staffCookieHash(ctx.request, deps.secure));
        return seeOther("/admin/sign-in/code", { "set-cookie": cookie });
      }),
    },
    {
      path: "/admin/sign-in/code",
      access: "public",
      get: publicConsoleRoute(deps, (ctx) => (pendingSignIn(deps, ctx.request, ["email-code"]) ? htmlResponse(<StaffCodePage brand={brand} csrfToken={ctx.csrfToken} />) : restart())),
      post: publicConsoleRoute(deps, async (ctx) => {
        const pending = pendingSignIn(deps, ctx.request, ["email-code"]);
        if (!pending) return restart();
        const typed = formFields(ctx.body).code ?? "";
        const check = checkTypedCode(deps.db, deps.config, { codeId: pending.codeId ?? undefined, purpose: "staff_sign_in", destination: pending.email, ip: staffIp(deps, ctx), typed }, deps.now());
        if (typeof check === "object" && "retryAt" in check) return tooManyRequests(consoleBrand(brand), { retryAt: check.retryAt, what: "There have been too many attempts to sign in." });
        if (typeof check === "object") return htmlResponse(<StaffCodePage brand={brand} csrfToken={ctx.csrfToken} error={check.error} />, 400);
        const member = staffOf(deps, pending);
        // Unreachable for an address that is not staff's (its code went nowhere); said the same way if it were.
        if (!member) return htmlResponse(<StaffCodePage brand={brand} csrfToken={ctx.csrfToken} error={codeErrors.wrong} />, 400);
        if (member.totpSecretEncrypted) return seeOther("/admin/sign-in/totp", { "set-cookie": advanceSignIn(deps, pending, "totp") });
        // First sign-in: a new secret, kept encrypted with the sign-in until a code from it is confirmed.
        const cookie = advanceSignIn(deps, pending, "enrol", { pendingTotpSecret: encryptTotpSecret(deps.vault.staffTotpKey, member.id, newTotpSecret()) });
        return seeOther("/admin/sign-in/enrol", { "set-cookie": cookie });
      }),
    },
    {
      path: "/admin/sign-in/enrol",
      access: "public",
      get: publicConsoleRoute(deps, async (ctx) => {
        const pending = pendingSignIn(deps, ctx.request, ["enrol"]);
        const member = pending && staffOf(deps, pending);
        if (!pending?.pendingTotpSecret || !member) return restart();
        return htmlResponse(await enrolPage(deps, ctx, member.email, decryptTotpSecret(deps.vault.staffTotpKey, member.id, pending.pendingTotpSecret)));
      }),
      post: publicConsoleRoute(deps, async (ctx) => {
        const pending = pendingSignIn(deps, ctx.request, ["enrol"]);
        const member = pending && staffOf(deps, pending);
        if (!pending?.pendingTotpSecret || !member) return restart();
        const limited = secondFactorLimited(pending, ctx);
        if (limited) return limited;
        const secret = decryptTotpSecret(deps.vault.staffTotpKey, member.id, pending.pendingTotpSecret);
        const step = matchingTotpStep(secret, formFields(ctx.body).code ?? "", deps.now());
        if (step === null) return htmlResponse(await enrolPage(deps, ctx, member.email, secret, wrongTotp), 400);
        const codes = completeEnrolment(deps.db, deps.vault.staffTotpKey, { staffId: member.id, secret, step }, deps.now());
        deps.logger.info("staff_totp_enrolled", { staff_id: member.id });
        return htmlResponse(<RecoveryCodesPage brand={brand} codes={codes} />, 200, { "set-cookie": signedIn(pending) });
      }),
    },
    {
      path: "/admin/sign-in/totp",
      access: "public",
      get: publicConsoleRoute(deps, (ctx) => (pendingSignIn(deps, ctx.request, ["totp"]) ? htmlResponse(<TotpPage brand={brand} csrfToken={ctx.csrfToken} />) : restart())),
      post: publicConsoleRoute(deps, (ctx) => {
        const pending = pendingSignIn(deps, ctx.request, ["totp"]);
        const member = pending && staffOf(deps, pending);
        if (!pending || !member) return restart();
        const limited = secondFactorLimited(pending, ctx);
        if (limited) return limited;
        if (!useTotpCode(deps.db, deps.vault.staffTotpKey, member, formFields(ctx.body).code ?? "", deps.now())) {
          return htmlResponse(<TotpPage brand={brand} csrfToken={ctx.csrfToken} error={wrongTotp} />, 400);
        }
        return seeOther("/admin", { "set-cookie": signedIn(pending) });
      }),
    },
    {
      path: "/admin/sign-in/recovery",
      access: "public",
      get: publicConsoleRoute(deps, (ctx) => (pendingSignIn(deps, ctx.request, ["totp"]) ? htmlResponse(<RecoveryPage brand={brand} csrfToken={ctx.csrfToken} />) : restart())),
      post: publicConsoleRoute(deps, (ctx) => {
        const pending = pendingSignIn(deps, ctx.request, ["totp"]);
        const member = pending && staffOf(deps, pending);
        if (!pending || !member) return restart();
        const limited = secondFactorLimited(pending, ctx);
        if (limited) return limited;
        if (!useRecoveryCode(deps.db, member.id, formFields(ctx.body)["recovery-code"] ?? "", deps.now())) {
          return htmlResponse(<RecoveryPage brand={brand} csrfToken={ctx.csrfToken} error={wrongRecovery} />, 400);
        }
        deps.logger.info("staff_recovery_code_used", { staff_id: member.id });
        return seeOther("/admin", { "set-cookie": signedIn(pending) });
      }),
    },
    {
      path: "/admin/sign-out",
      access: "support",
      get: consoleRoute(deps, "support", (member, ctx) => htmlResponse(<SignOutPage brand={brand} member={member} csrfToken={ctx.csrfToken} />)),
      post: consoleRoute(deps, "support", (member) => {
        endStaffSession(deps, member.sessionIdHash);
        return seeOther(`${signInPath}?signed-out=1`, withCookies([clearStaffCookie(deps.secure)]));
      }),
    },
  ];
}

async function enrolPage(deps: AdminDeps, ctx: RouteContext, email: string, secret: string, error?: string): Promise<JSX.Element> {
  const uri = totpFor(email, secret).toString();
  // An inline SVG made here: the secret never leaves for a third-party QR service.
  const qrSvg = await QRCode.toString(uri, { type: "svg", margin: 2, width: 200, errorCorrectionLevel: "M" });
  return <EnrolPage brand={deps.brand} csrfToken={ctx.csrfToken} qrSvg={qrSvg} secret={secret} email={email} error={error} />;
}
