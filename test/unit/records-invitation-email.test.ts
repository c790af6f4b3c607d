import { describe, expect, test } from "bun:test";
import { describeValidity, formatUkDateTime, qtsInvitationEmail } from "../../src/records/invitations/qts-invitation-email";

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
    expect(email.text).toContain("Go to https://access.example to create your account.");
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

  test("times are given in UK time, with GOV.UK formatting", () => {
    expect(formatUkDateTime(new Date("2026-01-15T09:00:00Z"))).toBe("9am on 15 January 2026");
    expect(formatUkDateTime(new Date("2026-07-15T23:30:00Z"))).toBe("12:30am on 16 July 2026");
    expect(describeValidity(new Date("2026-07-02T12:00:00Z"), new Date("2026-07-01T12:00:00Z"))).toBe("24 hours");
    expect(describeValidity(new Date("2026-07-31T12:00:00Z"), new Date("2026-07-01T12:00:05Z"))).toBe("30 days");
    expect(describeValidity(new Date("2026-07-01T17:00:00Z"), new Date("2026-07-01T12:00:00Z"))).toBe("5 hours");
  });
});
