// The matcher (POST /v2/teachers/find's service) against 10,000 generated teachers in a real
// records SQLite file, loaded through `records import`'s own loader: near-duplicates (same name and
// date of birth, another TRN), and answers with the slips people make (case, accents, hyphens and
// apostrophes, a missing middle name, a maiden name). No wrong TRN is ever given; the share of
// genuine teachers found without support is printed (and must not fall below what it was).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openRecordsDatabase, type RecordsDatabase } from "../../src/records/db/database";
import { importTeacherCsv } from "../../src/records/import/import-teachers";
import { createTeacherFinder } from "../../src/records/matching/find-teacher";
import type { MatchQuestion } from "../../src/records/matching/match-rules";

/** A small seeded generator (mulberry32): the same population every run. */
function seeded(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T,>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)], chance: (p: number) => next() < p, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)) };
}

const firstNames = ["Amelia", "Oliver", "Zoë", "Siobhán", "Chloé", "Muhammad", "José", "Aoife", "Grace", "Thomas", "Priya", "Kwame", "Łucja", "Björn", "Anne-Marie", "Noah"];
const middleNames = ["Rose", "James", "Adaeze", "Marie", "Lee", "Jane"];
const lastNames = ["Smith", "O'Brien", "García-López", "Ní Bhriain", "Müller", "Nguyen", "Okafor", "Jones", "D'Souza", "Van der Berg", "Åkesson", "Patel", "Brown", "Hughes-Price", "Ó Súilleabháin", "Kowalczyk", "MacDonald", "Evans", "Çelik", "Williams"];
const providers = [
  ["10000001", "University of Westmoor"],
  ["10000002", "Northshire SCITT"],
  ["10000003", "The Riverside Teacher Training Partnership"],
  ["10000004", "St Mary's University, Twickenham"],
  ["10000005", "Teach & Learn Alliance Ltd"],
] as const;
const ninoLetters = "ABCEGHJKLMNPRSTWXYZ";

interface Generated {
  trn: string;
  firstName: string;
  middleName: string;
  lastName: string;
  previousLastNames: string[];
  dateOfBirth: string;
  nino: string;
  provider: (typeof providers)[number] | null;
  qtsDate: string;
}

const population = 10_000;
const r = seeded(17);
const teachers: Generated[] = [];
const usedNinos = new Set<string>();
function newNino(): string {
  for (;;) {
    const n = `${r.pick([...ninoLetters])}${r.pick([...ninoLetters])}${String(r.int(0, 999999)).padStart(6, "0")}${r.pick(["A", "B", "C", "D"])}`;
    if (!usedNinos.has(n) && !/^(BG|GB|KN|NK|NT|TN|ZZ)/.test(n)) {
      usedNinos.add(n);
      return n;
    }
  }
}
const iso = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
let nearDuplicates = 0;
for (let i = 0; teachers.length < population; i++) {
  const trn = String(3_000_000 + teachers.length);
  const maiden = r.chance(0.2) ? [r.pick(lastNames)] : [];
  const t: Generated = {
    trn,
    firstName: r.pick(firstNames),
    middleName: r.chance(0.4) ? r.pick(middleNames) : "",
    lastName: r.pick(lastNames),
    previousLastNames: maiden,
    dateOfBirth: iso(r.int(1965, 2002), r.int(1, 12), r.int(1, 28)),
    nino: r.chance(0.75) ? newNino() : "",
    provider: r.chance(0.85) ? r.pick(providers) : null,
    qtsDate: iso(r.int(1990, 2025), r.pick([7, 8, 9]), r.int(1, 28)),
  };
  teachers.push(t);
  // About 1 in 20: a near-duplicate record (same name and date of birth, another TRN). Half of them
  // trained at the same provider in the same year (a duplicate record, or twins).
  if (r.chance(0.05) && teachers.length < population) {
    nearDuplicates++;
    const sameTraining = r.chance(0.5);
    teachers.push({
      ...t,
      trn: String(3_000_000 + teachers.length),
      firstName: r.chance(0.5) ? t.firstName : r.pick(firstNames),
      nino: r.chance(0.5) ? newNino() : "",
      provider: sameTraining ? t.provider : r.pick(providers),
      qtsDate: sameTraining ? t.qtsDate : iso(r.int(1990, 2025), 7, 1),
    });
  }
}

const csvField = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
function populationCsv(): string {
  const rows = ["trn,first_name,middle_name,last_name,date_of_birth,email,national_insurance_number,previous_last_names,qts_date,itt_provider_ukprn,itt_provider_name,itt_result"];
  for (const t of teachers) {
    rows.push(
      [t.trn, t.firstName, t.middleName, t.lastName, t.dateOfBirth, "", t.nino, t.previousLastNames.join(";"), t.qtsDate, t.provider?.[0] ?? "", t.provider?.[1] ?? "", t.provider ? "Pass" : ""]
        .map(csvField)
        .join(","),
    );
  }
  return rows.join("\n") + "\n";
}

// The slips people make when typing their own details.
const stripAccents = (s: string) => s.normalize("NFKD").replace(/\p{M}/gu, "");
function slipName(name: string): string {
  return r.pick([
    (s: string) => s,
    (s: string) => s.toUpperCase(),
    (s: string) => s.toLowerCase(),
    stripAccents,
    (s: string) => s.replace(/-/g, " "),
    (s: string) => s.replace(/'/g, ""),
    (s: string) => s.replace(/ /g, ""),
    (s: string) => ` ${s} `,
  ])(name);
}
function slipProvider(name: string): string {
  return r.pick([(s: string) => s, (s: string) => s.toLowerCase(), (s: string) => s.replace(/^The /, ""), (s: string) => s.replace(/&/g, "and"), (s: string) => s.replace(/'/g, "")])(name);
}

/** What a genuine teacher answers, with slips; `said` is which way in they took. */
function genuineAnswers(t: Generated): { question: MatchQuestion; said: "trn" | "nino" | "training" | "nothing" } {
  // A married teacher whose record still has the maiden name, or the other way round.
  let lastName = t.lastName;
  let previousLastNames: string[] | undefined;
  if (t.previousLastNames.length && r.chance(0.5)) {
    // They give the maiden name (on the record as previous) as their only name.
    lastName = t.previousLastNames[0];
  } else if (r.chance(0.1)) {
    // Married since: a new name DQT does not know, the record's name as previous.
    lastName = "Newname";
    previousLastNames = [t.lastName];
  }
  const question: MatchQuestion = {
    lastName: slipName(lastName),
    ...(previousLastNames ? { previousLastNames: previousLastNames.map(slipName) } : {}),
    // A missing middle name: only the first is given.
    firstName: slipName(t.firstName),
    dateOfBirth: t.dateOfBirth,
  };
  const way = r.next();
  if (way < 0.4) return { question: { ...question, trn: t.trn }, said: "trn" };
  if (way < 0.7 && t.nino) {
    const spaced = `${t.nino.slice(0, 2)} ${t.nino.slice(2, 4)} ${t.nino.slice(4, 6)} ${t.nino.slice(6, 8)} ${t.nino.slice(8)}`;
    return { question: { ...question, nationalInsuranceNumber: r.chance(0.5) ? spaced.toLowerCase() : t.nino }, said: "nino" };
  }
  if (way < 0.9 && t.provider) {
    const provider = r.chance(0.2) ? t.provider[0] : slipProvider(t.provider[1]);
    return { question: { ...question, ittProviderName: provider, awardYear: Number(t.qtsDate.slice(0, 4)) }, said: "training" };
  }
  return { question, said: "nothing" };
}

let dir: string;
let db: RecordsDatabase;
let find: ReturnType<typeof createTeacherFinder>;
const byTrn = new Map<string, Generated>();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "matching-population-"));
  db = openRecordsDatabase(dir);
  const loaded = importTeacherCsv(db, [populationCsv()], { invite: false });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems.slice(0, 5)));
  expect(loaded.teachers).toBe(population);
  for (const t of teachers) byTrn.set(t.trn, t);
  find = createTeacherFinder(db);
});
afterAll(() => {
  db?.$client.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe(`${population.toLocaleString("en-GB")} teachers, with near-duplicates`, () => {
  test("every genuine teacher is given their own TRN or none, never another's; most are found without support", () => {
    const tally = { asked: 0, matched: 0, wrong: 0, byWay: {} as Record<string, { asked: number; matched: number }> };
    for (const t of teachers) {
      const { question, said } = genuineAnswers(t);
      const answer = find(question);
      tally.asked++;
      const way = (tally.byWay[said] ??= { asked: 0, matched: 0 });
      way.asked++;
      if (answer.match === "unique") {
        if (answer.trn !== t.trn) tally.wrong++;
        else {
          tally.matched++;
          way.matched++;
        }
      }
    }
    const share = (n: number, of: number) => `${((100 * n) / of).toFixed(1)}%`;
    console.log(
      `matching ${population} teachers (${nearDuplicates} near-duplicate pairs): ${share(tally.matched, tally.asked)} of genuine teachers matched without support; ` +
        Object.entries(tally.byWay)
          .map(([way, c]) => `${way} ${c.matched}/${c.asked} (${share(c.matched, c.asked)})`)
          .join(", ") +
        `; wrong TRNs: ${tally.wrong}`,
    );
    expect(tally.wrong).toBe(0);
    // Nobody who gave nothing beyond a name and a date of birth is matched.
    expect(tally.byWay.nothing.matched).toBe(0);
    // Everyone who gave an identifier or their training is found, unless a near-duplicate meets the same rule.
    expect(tally.matched / tally.asked).toBeGreaterThan(0.8);
  });

  test("impostors who know a teacher's name and date of birth are given nothing, however they guess one field at a time", () => {
    let unique = 0;
    for (let i = 0; i < 3000; i++) {
      const victim = teachers[r.int(0, teachers.length - 1)];
      const other = teachers[r.int(0, teachers.length - 1)];
      const base: MatchQuestion = { lastName: victim.lastName, dateOfBirth: victim.dateOfBirth };
      const guesses: MatchQuestion[] = [
        base,
        { ...base, trn: other.trn === victim.trn ? "9999999" : other.trn },
        { ...base, trn: String(Number(victim.trn) + 1) },
        { ...base, nationalInsuranceNumber: other.nino && other.nino !== victim.nino ? other.nino : "AB000000A" },
        { ...base, ittProviderName: victim.provider?.[1] ?? "Northshire SCITT", awardYear: Number(victim.qtsDate.slice(0, 4)) + 1 },
        { ...base, ittProviderName: "Somewhere Else", awardYear: Number(victim.qtsDate.slice(0, 4)) },
      ];
      for (const guess of guesses) {
        const answer = find(guess);
        if (answer.match === "unique") {
          // Only a record the guess really strongly matches: a near-duplicate's own TRN, never the victim's.
          unique++;
          const holder = byTrn.get(answer.trn)!;
          expect(answer.trn).not.toBe(victim.trn);
          expect(holder.dateOfBirth).toBe(victim.dateOfBirth);
          const trainedSo = holder.provider !== null && holder.provider[1] === guess.ittProviderName && holder.qtsDate.startsWith(String(guess.awardYear));
          expect(holder.trn === guess.trn || holder.nino === guess.nationalInsuranceNumber || trainedSo).toBe(true);
        }
      }
    }
    console.log(`impostor guesses answered with a TRN (each another record with that name and date of birth that the guess really fits): ${unique} of 18000`);
  });
});
