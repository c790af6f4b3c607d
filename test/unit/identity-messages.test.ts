// What identity's emails and texts say (issue 19): the preferred name greets an account holder,
// a code's lifetime is said one way everywhere (from the code lifetime), and the no-account email
// asks nothing the teacher never gave and names the support contact.
import { describe, expect, test } from "bun:test";
import { deletionCodeEmail, emailChangeCodeEmail, emailChangedNotice } from "../../src/identity/account/account-messages";
import { codeExpiresIn, noAccountEmail, phoneCodeSms, registrationEmailCodeEmail, signInCodeEmail } from "../../src/identity/security-codes/messages";
import { codeLifetimeMs } from "../../src/identity/security-codes/security-codes";

describe("identity's messages", () => {
  test("an account holder is greeted by the name they chose; no name, no greeting and no gap", () => {
    expect(signInCodeEmail("k@example.com", "123456", "Kanye Ashworth").text).toStartWith("Dear Kanye Ashworth,\n\nYour security code is 123456");
    expect(emailChangeCodeEmail("k@example.com", "123456", "Kanye").text).toStartWith("Dear Kanye,\n\n");
    expect(deletionCodeEmail("k@example.com", "123456", "Kanye").text).toStartWith("Dear Kanye,\n\n");
    expect(emailChangedNotice("old@example.com", "new@example.com", Date.now(), { preferredName: "Kanye", supportEmail: "help@example.com" }).text).toStartWith(
      "Dear Kanye,\n\n",
    );
    const nameless = signInCodeEmail("k@example.com", "123456", null).text;
    expect(nameless).toStartWith("Your security code is 123456");
    expect(nameless).not.toContain("\n\n\n");
  });

  test("every code message says how long the code lasts the same way, from the code lifetime", () => {
    expect(codeLifetimeMs).toBe(10 * 60 * 1000);
    expect(codeExpiresIn).toBe("10 minutes");
    for (const text of [
      signInCodeEmail("k@example.com", "123456").text,
      registrationEmailCodeEmail("k@example.com", "123456").text,
      emailChangeCodeEmail("k@example.com", "123456").text,
      deletionCodeEmail("k@example.com", "123456").text,
    ]) {
      expect(text).toContain("The code expires in 10 minutes.");
    }
    expect(phoneCodeSms("+447700900123", "123456").text).toBe("123456 is your Teacher ID security code. It expires in 10 minutes.");
  });

  test("the no-account email does not speak of an address the teacher 'gave', and names the support contact", () => {
    const { text } = noAccountEmail("someone@example.com", "help@example.com");
    expect(text).not.toContain("you gave when you created your account");
    expect(text).toContain("help@example.com");
    expect(text).toContain("Do not send us security codes or links");
  });

  test("the email-changed notice names the support contact, not a hard-coded address", () => {
    const { text } = emailChangedNotice("old@example.com", "new@example.com", Date.parse("2026-12-29T10:39:00Z"), { supportEmail: "help@example.com" });
    expect(text).toContain("Email help@example.com");
    expect(text).not.toContain("qts.enquiries");
    expect(text).toContain("10:39am on 29 December 2026 (UK time)");
  });
});
