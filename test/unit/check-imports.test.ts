// `make check-imports` (scripts/check-imports.ts + .dependency-cruiser.cjs) on tiny trees made here:
// it must fail on a loop between folders and on each import rule, and pass a tree that keeps them.
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { cruiseSources, describeProblems } from "../../scripts/check-imports";

const script = join(import.meta.dir, "../../scripts/check-imports.ts");
const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A tree with the given files (path -> source) under a fresh temporary root. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "check-imports-"));
  made.push(root);
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), source);
  }
  return root;
}

function runChecker(root: string) {
  const run = Bun.spawnSync([process.execPath, script, "--root", root], { stdout: "pipe", stderr: "pipe" });
  return { exitCode: run.exitCode, stdout: run.stdout.toString(), stderr: run.stderr.toString() };
}

async function problems(files: Record<string, string>): Promise<string> {
  return describeProblems(await cruiseSources(tree(files))).join("\n");
}

// Folders that depend one way only, plus the things that are allowed: a service's composition root
// (a file right under src/<service>/) imports its features, which read its settings; features use
// shared folders.
const keepsTheRules = {
  "src/records/service.ts": 'import { teacher } from "./teachers/teacher"; export const start = () => teacher;',
  "src/records/settings.ts": 'import { port } from "../config/env"; export const recordsPort = port;',
  "src/records/teachers/teacher.ts":
    'import { recordsPort } from "../settings"; import { outcome } from "../itt-outcome/outcome"; import { log } from "../../log/log";\n' +
    "export const teacher = () => log(outcome + recordsPort);",
  "src/records/itt-outcome/outcome.ts": 'import { log } from "../../log/log"; export const outcome = String(log);',
  "src/log/log.ts": "export const log = (line: string) => line;",
  "src/config/env.ts": "export const port = 4001;",
  "src/identity/journey/state.ts": "export type JourneyState = { step: string };",
  "src/identity/register/steps.ts":
    'import type { JourneyState } from "../journey/state"; export const first = (s: JourneyState) => s.step;',
};

test("a tree whose folders import one way only passes, with exit code 0", () => {
  const run = runChecker(tree(keepsTheRules));
  expect(run.stderr).toBe("");
  // All eight files were read (a checker that read nothing would pass everything).
  expect(run.stdout).toContain("check-imports: 8 modules, no folder loops, every import rule kept");
  expect(run.exitCode).toBe(0);
});

test("two feature folders that import each other fail the check, naming one import each way", () => {
  const run = runChecker(
    tree({
      ...keepsTheRules,
      // itt-outcome now also reaches back into teachers: a loop teachers <-> itt-outcome.
      "src/records/itt-outcome/outcome.ts":
        'import { teacher } from "../teachers/teacher"; export const outcome = String(teacher);',
    }),
  );
  expect(run.exitCode).toBe(1);
  expect(run.stderr).toContain("src/records/itt-outcome <-> src/records/teachers");
  expect(run.stderr).toContain(
    "src/records/itt-outcome -> src/records/teachers (1 import), e.g. src/records/itt-outcome/outcome.ts imports src/records/teachers/teacher.ts",
  );
  expect(run.stderr).toContain(
    "src/records/teachers -> src/records/itt-outcome (1 import), e.g. src/records/teachers/teacher.ts imports src/records/itt-outcome/outcome.ts",
  );
});

test("a longer loop through three folders fails too, and a type-only import counts", async () => {
  const found = await problems({
    "src/web/page.ts": 'import { log } from "../log/log"; export const page = () => log("page");',
    "src/log/log.ts": 'import type { Row } from "../db/row"; export const log = (line: string, row?: Row) => line + row;',
    "src/db/row.ts": 'import { page } from "../web/page"; export type Row = string; export const render = page;',
  });
  expect(found).toContain("Folders import each other (3 folders in one loop): src/db, src/log, src/web");
  expect(found).toContain("src/db -> src/web -> src/log -> src/db");
  expect(found).toContain("src/log -> src/db (1 import, all type-only), e.g. src/log/log.ts imports src/db/row.ts");
});

test("src/config/ importing a service's settings breaks config-imports-no-service", async () => {
  const found = await problems({
    ...keepsTheRules,
    "src/config/config.ts": 'import { recordsPort } from "../records/settings"; export const all = { recordsPort };',
  });
  expect(found).toContain("Rule config-imports-no-service broken once");
  expect(found).toContain("src/config/config.ts imports src/records/settings.ts");
});

test("one service importing another's code breaks services-talk-over-http", async () => {
  const found = await problems({
    ...keepsTheRules,
    "src/access/qualifications/page.ts":
      'import { teacher } from "../../records/teachers/teacher"; export const page = teacher;',
  });
  expect(found).toContain("Rule services-talk-over-http broken once");
  expect(found).toContain("src/access/qualifications/page.ts imports src/records/teachers/teacher.ts");
});

test("oidc/ importing a journey, or the journey core importing a journey, breaks their rules", async () => {
  const found = await problems({
    ...keepsTheRules,
    "src/identity/oidc/authorize.ts": 'import type { JourneyState } from "../journey/state"; export type S = JourneyState;',
    "src/identity/journey/finish.ts": 'import { first } from "../sign-in/steps"; export const finish = first;',
    "src/identity/sign-in/steps.ts": "export const first = 1;",
  });
  expect(found).toContain("Rule oidc-imports-no-journey broken once");
  expect(found).toContain("src/identity/oidc/authorize.ts imports src/identity/journey/state.ts");
  expect(found).toContain("Rule journey-core-imports-no-journey broken once");
  expect(found).toContain("src/identity/journey/finish.ts imports src/identity/sign-in/steps.ts");
});
