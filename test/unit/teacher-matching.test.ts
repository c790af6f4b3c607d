// The matching rule of POST /v2/teachers/find (src/records/matching/): names compared as documented,
// a TRN only for a strong match exactly one record meets, and nothing learnt from one change at a time.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { decideMatch, type MatchCandidate, type MatchQuestion } from "../../src/records/matching/match-rules";
import { isNino, lastNameForms, normaliseName, normaliseNino, normaliseProviderName } from "../../src/records/matching/normalise";
import { findTeacherBody } from "../../src/records/matching/find-schemas";

describe("names are compared ignoring case, accents, hyphens, apostrophes and spaces", () => {
  test.each([
    ["O'Brien", "obrien"],
    ["O’BRIEN", "obrien"],
    ["Smith-Jones", "smithjones"],
    ["van der Berg", "vanderberg"],
    ["Zoë", "zoe"],
    ["Ångström", "angstrom"],
    ["Straße", "strasse"],
    ["Łukasz", "lukasz"],
    ["Ørsted", "orsted"],
    ["ＳＭＩＴＨ", "smith"], // full-width letters (NFKD)
  ])("%s is %s", (given, expected) => {
    expect(normaliseName(given)).toBe(expected);
  });

  test("a double-barrelled name is found by either part, and the other way round", () => {
    expect(lastNameForms("Smith-Jones")).toEqual(["smithjones", "smith", "jones"]);
    expect(lastNameForms("Smith")).toEqual(["smith"]);
  });

  test("providers: the, &, Ltd and SCITT do not count", () => {
    expect(normaliseProviderName("The University of Bath")).toBe(normaliseProviderName("university of bath"));
    expect(normaliseProviderName("Teach & Learn SCITT Ltd")).toBe(normaliseProviderName("Teach and Learn"));
  });

  test("National Insurance numbers: the UK format, spaces and case aside", () => {
    expect(isNino(normaliseNino("ab 12 34 56 c"))).toBe(true);
    for (const bad of ["AB123456", "AB123456E", "DA123456A", "AO123456A", "GB123456A", "QQ123456C", "A1234567C", "AB12345C"]) {
      expect(isNino(normaliseNino(bad))).toBe(false);
    }
  });

  test("the body's form: each bad field is named; a NINO is stored normalised", () => {
    const ok = findTeacherBody.safeParse({ lastName: "Smith", dateOfBirth: "1990-01-01", nationalInsuranceNumber: "ab 12 34 56 c" });
    expect(ok.success && ok.data.nationalInsuranceNumber).toBe("AB123456C");
    const bad = findTeacherBody.safeParse({
      lastName: "",
      dateOfBirth: "1990-02-30",
      trn: "123",
      nationalInsuranceNumber: "XX",
      previousLastNames: ["a", "b", "c", "d", "e", "f"],
      awardYear: 1850,
      surname: "x",
    });
    expect(bad.success).toBe(false);
    const fields = new Set(bad.error!.issues.map((i) => (i.path.length ? i.path[0] : (i as { keys?: string[] }).keys?.[0])));
    for (const f of ["lastName", "dateOfBirth", "trn", "nationalInsuranceNumber", "previousLastNames", "awardYear", "surname"]) expect(fields.has(f)).toBe(true);
  });
});

const target: MatchCandidate = {
  trn: "1000001",
  lastName: "García-López",
  previousLastNames: ["Evans"],
  dateOfBirth: "1985-04-12",
  nationalInsuranceNumber: "AB123456C",
  qtsDate: "2010-07-01",
  providers: [{ name: "University of Bath", ukprn: "10000001" }],
};
// A near-duplicate: same name and date of birth, another TRN, NI number and training.
const twin: MatchCandidate = {
  ...target,
  trn: "1000002",
  nationalInsuranceNumber: "CE654321A",
  qtsDate: "2012-07-01",
  providers: [{ name: "Leeds Trinity University", ukprn: "10000002" }],
};
const others: MatchCandidate[] = [target, twin, { ...target, trn: "1000003", lastName: "Brown", previousLastNames: [], nationalInsuranceNumber: null }];

describe("the strong rule", () => {
  const base = { lastName: "garcia lopez", dateOfBirth: "1985-04-12" };
  test.each<[string, Partial<MatchQuestion>, string | null]>([
    ["TRN", { trn: "1000001" }, "1000001"],
    ["NI number", { nationalInsuranceNumber: "AB123456C" }, "1000001"],
    ["provider and year", { ittProviderName: "the university of bath", awardYear: 2010 }, "1000001"],
    ["provider's UKPRN and year", { ittProviderName: "10000001", awardYear: 2010 }, "1000001"],
    ["the twin's TRN", { trn: "1000002" }, "1000002"],
    ["provider without year", { ittProviderName: "University of Bath" }, null],
    ["year without provider", { awardYear: 2010 }, null],
    ["provider with the wrong year", { ittProviderName: "University of Bath", awardYear: 2011 }, null],
    ["name and date of birth only", {}, null],
    ["the TRN of a record with another name", { trn: "1000003" }, null],
  ])("name + date of birth + %s", (_, extra, trn) => {
    const answer = decideMatch({ ...base, ...extra }, others);
    expect(answer).toEqual(trn ? { match: "unique", trn } : { match: "none" });
  });

  test("a previous name counts on either side; a part of a double-barrelled name too", () => {
    expect(decideMatch({ lastName: "Evans", dateOfBirth: "1985-04-12", trn: "1000001" }, others)).toEqual({ match: "unique", trn: "1000001" });
    expect(decideMatch({ lastName: "Jones", previousLastNames: ["Garcia"], dateOfBirth: "1985-04-12", trn: "1000001" }, others)).toEqual({ match: "unique", trn: "1000001" });
  });

  test("two records meeting the rule is no match (the same TRN twice in DQT, or twins at one provider in one year)", () => {
    const again = { ...target, nationalInsuranceNumber: null };
    expect(decideMatch({ lastName: "Garcia-Lopez", dateOfBirth: "1985-04-12", trn: "1000001" }, [target, again])).toEqual({ match: "none" });
    const sameTraining = { ...twin, qtsDate: target.qtsDate, providers: target.providers };
    expect(decideMatch({ lastName: "Garcia-Lopez", dateOfBirth: "1985-04-12", ittProviderName: "University of Bath", awardYear: 2010 }, [target, sameTraining])).toEqual({ match: "none" });
  });
});

// An attacker knows a teacher's name and date of birth, and guesses the rest one field at a time.
describe("property: one field at a time teaches an attacker nothing", () => {
  const digits7 = fc.oneof(fc.constantFrom("1000001", "1000002", "1000003"), fc.stringMatching(/^\d{7}$/));
  const nino = fc.constantFrom("AB123456C", "CE654321A", "JK000111B", "PR998877D");
  const provider = fc.constantFrom("University of Bath", "Leeds Trinity University", "10000001", "10000002", "Bath Spa");
  const year = fc.integer({ min: 2005, max: 2015 });
  const answers = fc.record(
    { trn: digits7, nationalInsuranceNumber: nino, ittProviderName: provider, awardYear: year },
    { requiredKeys: [] },
  );
  const strongFor = (q: MatchQuestion, c: MatchCandidate) =>
    q.trn === c.trn ||
    q.nationalInsuranceNumber === c.nationalInsuranceNumber ||
    (q.ittProviderName !== undefined &&
      c.providers.some((p) => p.ukprn === q.ittProviderName || normaliseProviderName(p.name) === normaliseProviderName(q.ittProviderName!)) &&
      String(q.awardYear) === c.qtsDate?.slice(0, 4));

  test("the answer is 'none', in the very same bytes, unless every field of one strong path is right for exactly one record", () => {
    fc.assert(
      fc.property(answers, fc.constantFrom<keyof MatchQuestion>("trn", "nationalInsuranceNumber", "ittProviderName", "awardYear"), answers, (start, field, changed) => {
        const known = { lastName: "GARCIA LOPEZ", dateOfBirth: "1985-04-12" };
        const before: MatchQuestion = { ...known, ...start };
        const after: MatchQuestion = { ...before, [field]: (changed as Record<string, unknown>)[field] };
        for (const q of [before, after]) {
          const holders = others.filter((c) => c.lastName !== "Brown" && strongFor(q, c));
          const answer = decideMatch(q, others);
          if (holders.length === 1) expect(answer).toEqual({ match: "unique", trn: holders[0].trn });
          else expect(JSON.stringify(answer)).toBe('{"match":"none"}');
        }
      }),
      { numRuns: 2000 },
    );
  });

  test("from a full strong match, getting any one of its fields wrong gives 'none'", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Partial<MatchQuestion>>({ trn: "1000001" }, { nationalInsuranceNumber: "AB123456C" }, { ittProviderName: "University of Bath", awardYear: 2010 }),
        fc.nat(),
        (path, pick) => {
          const right: MatchQuestion = { lastName: "García-López", dateOfBirth: "1985-04-12", ...path };
          expect(decideMatch(right, others)).toEqual({ match: "unique", trn: "1000001" });
          const fields = ["lastName", "dateOfBirth", ...Object.keys(path)] as (keyof MatchQuestion)[];
          const field = fields[pick % fields.length];
          const wrong: Record<string, unknown> = {
            lastName: "Martinez",
            dateOfBirth: "1985-04-13",
            trn: "1000009",
            nationalInsuranceNumber: "AB123457C",
            ittProviderName: "Bath Spa University",
            awardYear: 2009,
          };
          expect(decideMatch({ ...right, [field]: wrong[field] }, others)).toEqual({ match: "none" });
        },
      ),
      { numRuns: 300 },
    );
  });
});
