// Signing staff in to the support console over HTTP (a Browser from identity-journey.ts), with the
// email code from the dev mailbox and TOTP codes computed here with otpauth, as an authenticator
// app would.
import { Secret, TOTP } from "otpauth";
import { readDevMailbox } from "../../src/mail/dev-mailbox";
import { devMailboxCode, emailedCode, type Browser } from "./identity-journey";
import type { TestSmtpServer } from "./smtp";

/** Where staff's email codes arrive: the dev mailbox of a data directory, or a test SMTP server. */
export type CodeSource = string | TestSmtpServer;

/** The TOTP code for `secret` (base32) at `at` (ms). */
export function totpCode(secret: string, at = Date.now()): string {
  return new TOTP({ algorithm: "SHA1", digits: 6, period: 30, secret: Secret.fromBase32(secret) }).generate({ timestamp: at });
}

/** The base32 key the enrolment page shows (grouped in fours). */
export const enrolmentSecret = (html: string) => /id="totp-secret"[^>]*>([A-Z2-7 ]+)</.exec(html)![1]!.replaceAll(" ", "");

export const recoveryCodesIn = (html: string) => [...html.matchAll(/<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})<\/code>/g)].map((m) => m[1]!);

/** Asks for an email code and enters it; the browser ends on the TOTP, enrolment or code page. */
export async function emailCodeStep(browser: Browser, source: CodeSource, email: string): Promise<void> {
  if (typeof source !== "string") {
    const after = Date.now();
    await browser.get("/admin/sign-in");
    await browser.post("/admin/sign-in", { email });
    await browser.post("/admin/sign-in/code", { code: await emailedCode(source, email, after) });
    return;
  }
  const dataDir = source;
  const [latest] = readDevMailbox(dataDir, { to: email }).filter((m) => m.channel === "email");
  const before = latest ? /\b(\d{6})\b/.exec(latest.text)?.[1] : undefined;
  await browser.get("/admin/sign-in");
  await browser.post("/admin/sign-in", { email });
  const code = await devMailboxCode(dataDir, "email", email, before);
  await browser.post("/admin/sign-in/code", { code });
}

/**
 * Signs a staff member in: enrols at the first sign-in (returns the secret and recovery codes),
 * or enters a TOTP code for `secret`. `step` picks a later time step so two sign-ins in the same
 * 30 s do not reuse a code.
 */
export async function signInStaff(
  browser: Browser,
  source: CodeSource,
  email: string,
  options: { secret?: string; step?: number } = {},
): Promise<{ secret: string; recoveryCodes: string[] }> {
  await emailCodeStep(browser, source, email);
  const at = Date.now() + (options.step ?? 0) * 30_000;
  if (!options.secret) {
    if (!browser.url.endsWith("/admin/sign-in/enrol")) throw new Error(`expected the enrolment page, at ${browser.url} (${browser.status})`);
    const secret = enrolmentSecret(browser.html);
    await browser.post("/admin/sign-in/enrol", { code: totpCode(secret, at) });
    if (browser.status !== 200) throw new Error(`enrolment failed: ${browser.status}`);
    return { secret, recoveryCodes: recoveryCodesIn(browser.html) };
  }
  if (!browser.url.endsWith("/admin/sign-in/totp")) throw new Error(`expected the TOTP page, at ${browser.url} (${browser.status})`);
  await browser.post("/admin/sign-in/totp", { code: totpCode(options.secret, at) });
  if (!browser.url.endsWith("/admin")) throw new Error(`TOTP sign-in failed: at ${browser.url} (${browser.status})`);
  return { secret: options.secret, recoveryCodes: [] };
}
