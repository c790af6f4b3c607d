// Parsing the registration answers: mobile numbers, preferred names and dates of birth.
import { describe, expect, test } from "bun:test";
import {
  displayDate,
  displayPhone,
  parseDateOfBirth,
  parseMobileNumber,
  parsePreferredName,
  preferredNameOptions,
} from "../../src/identity/register/register-answers";
import { partlyMaskEmail } from "../../src/identity/accounts/accounts";
import { normaliseCode } from "../../src/identity/security-codes/security-codes";

describe("mobile numbers", () => {
  test.each([
    ["07911 123456", "+447911123456"],
    ["+44 7911 123456", "+447911123456"],
    ["0044 (0)7911-123456".replace("(0)", ""), "+447911123456"],
    ["+33 6 12 34 56 78", "+33612345678"],
  ])("%s is %s", (input, e164) => {
    expect(parseMobileNumber(input)).toEqual({ ok: true, value: e164 });
  });

  test.each([
    ["", "Enter your mobile number"],
    ["0121 496 0000", "Enter a mobile number, not a landline"],
    ["12", "Enter a mobile number in the correct format"],
    ["07911 12345a", "Enter a mobile number using only numbers"],
  ])("%p is refused: %s", (input, message) => {
    const result = parseMobileNumber(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toStartWith(message);
  });

  test("UK numbers are shown as people write them; others internationally", () => {
    expect(displayPhone("+447911123456")).toBe("07911 123456");
    expect(displayPhone("+33612345678")).toBe("+33 6 12 34 56 78");
  });
});

describe("preferred names", () => {
  test("offers first + last, and with the middle name when there is one", () => {
    expect(preferredNameOptions({ firstName: "Amira", middleName: "Jane", lastName: "Khan", dateOfBirth: null })).toEqual([
      "Amira Khan",
      "Amira Jane Khan",
    ]);
    expect(preferredNameOptions({ firstName: "Sam", middleName: null, lastName: "Lee", dateOfBirth: null })).toEqual(["Sam Lee"]);
  });

  test("a choice, 'Other' with its box, and the errors", () => {
    expect(parsePreferredName(["A B"], "0", undefined)).toEqual({ ok: true, value: "A B" });
    expect(parsePreferredName(["A B"], "other", "  Mira   Khan ")).toEqual({ ok: true, value: "Mira Khan" });
    expect(parsePreferredName(["A B"], undefined, undefined)).toMatchObject({ ok: false, field: "name-choice" });
    expect(parsePreferredName(["A B"], "5", undefined)).toMatchObject({ ok: false, field: "name-choice" });
    expect(parsePreferredName(["A B"], "other", "")).toMatchObject({ ok: false, field: "other-name" });
    expect(parsePreferredName(["A B"], "other", "x".repeat(101))).toMatchObject({ ok: false, field: "other-name" });
  });
});

describe("dates of birth", () => {
  const now = new Date("2026-11-26T12:00:00Z");
  test("a real past date, padded", () => {
    expect(parseDateOfBirth({ day: "5", month: "4", year: "1991" }, now)).toEqual({ ok: true, value: "1991-04-05" });
  });
  test.each([
    [{}, "Enter your date of birth"],
    [{ day: "5", month: "4" }, "Date of birth must include a year"],
    [{ day: "31", month: "2", year: "1990" }, "Date of birth must be a real date"],
    [{ day: "1", month: "1", year: "2030" }, "Date of birth must be in the past"],
    [{ day: "1", month: "1", year: "1850" }, "Date of birth must be after 1900"],
    [{ day: "1", month: "1", year: "2020" }, "You must be 16 or older to have a Teacher ID account"],
    [{ day: "x", month: "1", year: "1990" }, "Date of birth must be a real date"],
  ])("%p: %s", (input, message) => {
    expect(parseDateOfBirth(input, now)).toMatchObject({ ok: false, message });
  });
  test("shown as 5 April 1991", () => expect(displayDate("1991-04-05")).toBe("5 April 1991"));
});

describe("codes and masked emails", () => {
  test("codes are accepted with spaces or dashes, and only as 6 digits", () => {
    expect(normaliseCode("123 456")).toBe("123456");
    expect(normaliseCode(" 123-456 ")).toBe("123456");
    expect(normaliseCode("12345")).toBeUndefined();
    expect(normaliseCode("12345a")).toBeUndefined();
    expect(normaliseCode(undefined)).toBeUndefined();
  });
  test("another account's email is partly masked", () => {
    expect(partlyMaskEmail("jessica.holder@example.com")).toBe("je****r@example.com");
    expect(partlyMaskEmail("ab@example.com")).toBe("a****@example.com");
  });
});
