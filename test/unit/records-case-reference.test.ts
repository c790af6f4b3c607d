// Case references are read out and typed by people: no characters that are easily confused, and
// every character of the alphabet in use (so the 30^6 space is really there).
import { expect, test } from "bun:test";
import { caseReferencePattern, randomCaseReference } from "../../src/records/change-requests/case-reference";

test("a case reference is CASE- and 6 characters with no 0, O, 1, I, L or U, and uses the whole alphabet", () => {
  const references = Array.from({ length: 5000 }, randomCaseReference);
  for (const reference of references) expect(reference).toMatch(caseReferencePattern);
  const used = new Set(references.flatMap((r) => [...r.slice(5)]));
  expect([...used].sort().join("")).toBe("23456789ABCDEFGHJKMNPQRSTVWXYZ");
  expect(references.join("")).not.toMatch(/[01OILU]/);
  // 5000 draws from 729 million: a repeat would mean the randomness is broken.
  expect(new Set(references).size).toBe(references.length);
});
