// The rules of "Create an account without a link": what counts as a National Insurance number, the
// identifier and name answers, and the step table (no jumping ahead, the case closes every question).
import { describe, expect, test } from "bun:test";
import { normaliseNino, parseIdentifier, parseNames } from "../../src/identity/find-record/find-record-answers";
import { canReach, currentStep, detailsHash, previousStep } from "../../src/identity/find-record/find-record-steps";
import type { FindRecordAnswers } from "../../src/identity/journey/journey-state";

describe("National Insurance numbers", () => {
  test("HMRC's format, with spaces and case forgiven", () => {
    expect(normaliseNino("ab 12 34 56 c")).toBe("AB123456C");
    expect(normaliseNino("JG103759A")).toBe("JG103759A");
  });
  test("refused: bad prefixes (D, F, I, Q, U, V; O second; BG GB KN NK NT TN ZZ), wrong length, bad suffix", () => {
    for (const bad of ["QQ123456C", "DA123456A", "AO123456A", "GB123456A", "ZZ123456A", "TN123456A", "AB12345C", "AB123456E", "AB1234567C", ""]) {
      expect(normaliseNino(bad)).toBeUndefined();
    }
  });
});

describe("the identifier answer", () => {
  const now = new Date("2026-11-29T12:00:00Z");
  test("each choice with its fields", () => {
    expect(parseIdentifier({ identifier: "trn", trn: " 1234567 " }, now)).toEqual({ ok: true, value: { kind: "trn", trn: "1234567" } });
    expect(parseIdentifier({ identifier: "provider", providerName: " Somewhere  SCITT ", awardYear: "2015" }, now)).toEqual({
      ok: true,
      value: { kind: "provider", providerName: "Somewhere SCITT", awardYear: 2015 },
    });
    expect(parseIdentifier({ identifier: "none" }, now)).toEqual({ ok: true, value: { kind: "none" } });
  });
  test("each problem names its field", () => {
    const fields = (form: Record<string, string>) => {
      const parsed = parseIdentifier(form, now);
      return parsed.ok ? [] : parsed.errors.map((e) => e.field);
    };
    expect(fields({})).toEqual(["identifier"]);
    expect(fields({ identifier: "trn", trn: "123" })).toEqual(["trn"]);
    expect(fields({ identifier: "nino", nino: "nope" })).toEqual(["nino"]);
    expect(fields({ identifier: "provider", providerName: "", awardYear: "2027" })).toEqual(["provider-name", "award-year"]);
    expect(fields({ identifier: "provider", providerName: "X", awardYear: "15" })).toEqual(["award-year"]);
  });
});

describe("names", () => {
  test("a previous last name only when 'yes'; letters, hyphens and apostrophes", () => {
    expect(parseNames({ firstName: "Siân", lastName: "O’Neil-Jones", hasPreviousName: "yes", previousLastName: "Évans" })).toEqual({
      ok: true,
      value: { firstName: "Siân", lastName: "O’Neil-Jones", previousLastName: "Évans" },
    });
    expect(parseNames({ firstName: "A", lastName: "B", hasPreviousName: "no", previousLastName: "Ignored" })).toMatchObject({ value: { previousLastName: null } });
    const parsed = parseNames({ firstName: "", lastName: "B4", hasPreviousName: "yes", previousLastName: "" });
    expect(parsed.ok ? [] : parsed.errors.map((e) => e.field)).toEqual(["first-name", "last-name", "previous-last-name"]);
  });
});

describe("the step table", () => {
  const answered: FindRecordAnswers = {
    email: "a@example.com",
    codeId: "c",
    emailVerified: true,
    firstName: "A",
    lastName: "B",
    previousLastName: null,
    dateOfBirth: "1990-01-01",
    identifier: { kind: "none" },
  };
  test("no jumping ahead: each step needs the ones before it", () => {
    expect(currentStep({})).toBe("email");
    expect(canReach("name", { email: "a@example.com", codeId: "c" })).toBe(false);
    expect(canReach("check-answers", { ...answered, identifier: undefined })).toBe(false);
    expect(canReach("check-answers", answered)).toBe(true);
    expect(canReach("not-found", answered)).toBe(false);
  });
  test("changing an answer goes back to check answers; the same details after a 'none' are the not-found page", () => {
    expect(previousStep("date-of-birth", answered)).toBe("check-answers");
    expect(currentStep(answered)).toBe("check-answers");
    const failed = { ...answered, failures: 1, lastFailedDetails: detailsHash(answered) };
    expect(currentStep(failed)).toBe("not-found");
    expect(currentStep({ ...failed, lastName: "C" })).toBe("check-answers");
  });
  test("once the case is open, only the case page", () => {
    const withCase = { ...answered, supportCase: { reference: "TID-AAAA-BBBB", accountId: "x" } };
    expect(currentStep(withCase)).toBe("case");
    for (const id of ["email", "name", "check-answers", "not-found"] as const) expect(canReach(id, withCase)).toBe(false);
    expect(canReach("case", withCase)).toBe(true);
  });
});
