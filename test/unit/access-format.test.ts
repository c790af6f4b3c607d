import { describe, expect, test } from "bun:test";
import { formatDate, fullName, humanise } from "../../src/access/display/format";
import { safeReturnTo, signInHref } from "../../src/access/sessions/return-to";
import { seal, unseal } from "../../src/access/sessions/seal";

describe("how access shows values", () => {
  test.each([
    ["2026-07-01", "1 July 2026"],
    ["1990-12-25", "25 December 1990"],
    ["2024-02-29", "29 February 2024"],
    ["not a date", "not a date"],
  ])("date %s is shown as %s", (iso, shown) => expect(formatDate(iso)).toBe(shown));

  test.each([
    ["RequiredToComplete", "Required to complete"],
    ["InProgress", "In progress"],
    ["Pass", "Pass"],
    ["HEI", "HEI"],
    ["School Direct", "School Direct"],
  ])("%s is shown as %s", (value, shown) => expect(humanise(value)).toBe(shown));

  test("a full name leaves out missing parts", () => {
    expect(fullName({ firstName: "Jane", middleName: null, lastName: "Smith" })).toBe("Jane Smith");
    expect(fullName({ firstName: "Jane", middleName: "Ann", lastName: "Smith" })).toBe("Jane Ann Smith");
  });
});

describe("where sign-in returns to", () => {
  test.each([
    ["/qualifications/certificates/qts", "/qualifications/certificates/qts"],
    ["//evil.example", "/qualifications"],
    ["/\\evil.example", "/qualifications"],
    ["https://evil.example/", "/qualifications"],
    ["javascript:alert(1)", "/qualifications"],
    ["/qualifications?next=https://evil.example", "/qualifications"],
  ])("%s -> %s", (given, used) => expect(safeReturnTo(given)).toBe(used));

  test("no return_to -> /qualifications", () => expect(safeReturnTo(undefined)).toBe("/qualifications"));

  test("the sign-in link carries the path", () => {
    expect(signInHref("/qualifications")).toBe("/sign-in?return_to=%2Fqualifications");
  });
});

describe("sealed values", () => {
  test("open only with the same material and purpose, and not after a change", () => {
    const sealed = seal("cookie-value", "tokens", "secret access token");
    expect(sealed).not.toContain("secret");
    expect(unseal("cookie-value", "tokens", sealed)).toBe("secret access token");
    expect(unseal("other-cookie", "tokens", sealed)).toBeNull();
    expect(unseal("cookie-value", "verifier", sealed)).toBeNull();
    const flipped = sealed.slice(0, -2) + (sealed.endsWith("A") ? "B" : "A") + sealed.slice(-1);
    expect(unseal("cookie-value", "tokens", flipped)).toBeNull();
  });
});
