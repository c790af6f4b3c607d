import { describe, expect, test } from "bun:test";
import { qtsInvitationEmail } from "../../src/records/invitations/qts-invitation-email";

const input = {
  to: "amelia.clarke@example.com",
  firstName: "Amelia",
  lastName: "Clarke",
  trn: "1234567",
  qtsDate: "2026-07-01",
  link: "https://access.example/register?trn_token=abc_DEF-123",
  expiresUtc: "2026-07-31T16:30:00.000Z",
  accessUrl: "https://access.example",
  now: new Date("2026-07-01T16:30:00Z"),
};

describe("the QTS invitation email", () => {
  test("says who it is for, that QTS is awarded, the link, how long it lasts and what to do if it expired", () => {
    const email = qtsInvitationEmail(input);
    expect(email.to).toBe("amelia.clarke@example.com");
    expect(email.subject).toBe("You have been awarded qualified teacher status (QTS)");
    expect(email.text).toStartWith("Dear Amelia Clarke,");
    expect(email.text).toContain("awarded qualified teacher status (QTS). Your QTS date is 1 July 2026.");
    expect(email.text).toContain("Your teacher reference number (TRN) is 1234567.");
    expect(email.text).toContain("\nhttps://access.example/register?trn_token=abc_DEF-123\n");
    expect(email.text).toContain("The link works for 30 days, until 5:30pm on 31 July 2026 (UK time).");
    expect(email.text).toContain("If the link has expired");
    expect(email.text).toContain("Open the link anyway: the page it opens lets you ask for a new link");
    expect(email.text).toContain("create an account without a link at https://access.example/create-account.");
    expect(email.text).not.toContain("{{");
    expect(email.html).toContain('<a href="https://access.example/register?trn_token=abc_DEF-123"');
    expect(email.html).not.toContain("{{");
  });

  test("names are escaped in the HTML part and no tracking images are included", () => {
    const email = qtsInvitationEmail({ ...input, firstName: "<script>alert(1)</script>", lastName: "O'Neil & Co" });
    expect(email.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; O&#39;Neil &amp; Co");
    expect(email.html).not.toContain("<script>");
    expect(email.html).not.toMatch(/<img|<script|https?:\/\/(?!access\.example)/);
  });

  test("the link's lifetime is said as a person would, whatever TRN_TOKEN_TTL is, and never floored", () => {
    // The email is built just after identity made the token: a little less than the TTL is left.
    const sentAfterIssue = 350;
    for (const [ttl, words] of [
      ["2s", "2 seconds"],
      ["45s", "45 seconds"],
      ["90s", "90 seconds"],
      ["30m", "30 minutes"],
      ["60m", "1 hour"],
      ["90m", "90 minutes"],
      ["24h", "24 hours"],
      ["36h", "36 hours"],
      ["7d", "7 days"],
      ["30d", "30 days"],
    ] as const) {
      const ms = Number(ttl.slice(0, -1)) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[ttl.at(-1) as "s" | "m" | "h" | "d"];
      const now = new Date("2026-07-01T16:30:00.000Z");
      const expires = new Date(now.getTime() - sentAfterIssue + ms);
      const email = qtsInvitationEmail({ ...input, now, expiresUtc: expires.toISOString() });
      expect(email.text).toContain(`The link works for ${words}, until `);
      expect(email.html).toContain(`The link works for ${words}, until `);
    }
  });

  test("times are given in UK time, with GOV.UK formatting", () => {
    const at = (expiresUtc: string) => qtsInvitationEmail({ ...input, expiresUtc, now: new Date("2026-01-14T09:00:00Z") }).text;
    expect(at("2026-01-15T09:00:00Z")).toContain("The link works for 24 hours, until 9am on 15 January 2026 (UK time).");
    expect(at("2026-07-15T23:30:00Z")).toContain("until 12:30am on 16 July 2026 (UK time).");
  });
});
