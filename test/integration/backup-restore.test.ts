// The operator's backup and restore, with the built binary: `teacher-id backup` while awarding
// services record Passes, then a fresh `serve` on the restored files works as the old one did:
// its clients' secrets, its teachers, and the internal credentials records uses to call identity.
import { afterAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveBinary, type ServedBinary } from "../helpers/served-binary";
import { startSmtpServer } from "../helpers/smtp";

const teachers = 20_000; // more than the load can award before the backup has run
const trn = (i: number) => String(5_100_000 + i);
const smtp = await startSmtpServer();
const backupRoot = mkdtempSync(join(tmpdir(), "teacher-id-backups-"));
const running: ServedBinary[] = [];
afterAll(async () => {
  for (const served of running) await served.stop();
  await smtp.close();
  rmSync(backupRoot, { recursive: true, force: true });
});

function importTeachers(run: ServedBinary["run"], dir: string) {
  const lines = ["trn,first_name,last_name,date_of_birth,email,itt_provider_ukprn,itt_provider_name,itt_result"];
  for (let i = 0; i < teachers; i++) {
    lines.push(`${trn(i)},Backup,Teacher${i},1990-01-01,backup${i}@example.com,10000001,Backup Provider,InTraining`);
  }
  writeFileSync(join(dir, "teachers.csv"), lines.join("\n") + "\n");
  const result = run(["records", "import", join(dir, "teachers.csv")]);
  if (result.code !== 0) throw new Error(result.stderr);
}

async function token(served: ServedBinary, secret: string): Promise<Response> {
  return fetch(`${served.urls.identity}/token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${btoa(`demo-awarding-service:${secret}`)}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: "grant_type=client_credentials&scope=itt_outcome%3Awrite",
  });
}

function pass(served: ServedBinary, accessToken: string, i: number) {
  return fetch(`${served.urls.records}/v2/teachers/${trn(i)}/itt-outcome?birthdate=1990-01-01`, {
    method: "PUT",
    headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
    body: JSON.stringify({ ittProviderUkprn: "10000001", outcome: "Pass", assessmentDate: "2026-07-01" }),
  });
}

const awarded = (records: string) => {
  const db = new Database(records, { readonly: true });
  try {
    return (db.query("SELECT count(*) AS n FROM teachers WHERE qts_date IS NOT NULL").get() as { n: number }).n;
  } finally {
    db.close();
  }
};

test("a backup taken while Passes are recorded restores into a working system", async () => {
  const live = await serveBinary({ env: { SMTP_URL: smtp.url }, beforeStart: importTeachers });
  running.push(live);
  const secret = /client_secret:\s+(\S+)/.exec(live.stderr())![1];
  const { access_token } = (await (await token(live, secret)).json()) as { access_token: string };

  // Awarding services keep recording Passes, eight at a time, while the backup runs.
  let next = 0;
  let ok = 0;
  let stop = false;
  const load = Promise.all(
    Array.from({ length: 8 }, async () => {
      while (!stop && next < teachers - 1) {
        const response = await pass(live, access_token, next++);
        if (response.status === 200) ok++;
        await response.arrayBuffer();
      }
    }),
  );
  while (ok < 50) await Bun.sleep(5);
  const backupDir = join(backupRoot, "nightly"); // not in live.dir, which stop() deletes
  const backup = Bun.spawn([live.binary, "backup", "--to", backupDir], {
    cwd: live.dir,
    env: { PATH: process.env.PATH ?? "", ...live.env },
    stdout: "pipe",
    stderr: "pipe",
  });
  expect(await backup.exited).toBe(0);
  const report = await new Response(backup.stdout).text();
  const okAfterBackup = ok;
  while (ok < okAfterBackup + 20 && next < teachers - 1) await Bun.sleep(5);
  stop = true;
  await load;
  expect(report).toContain("identity: wrote");
  expect(report).toContain("records: wrote");
  expect(report).toContain("internal client secrets: wrote");
  expect(readdirSync(backupDir).sort()).toEqual([
    "access.sqlite",
    "identity.sqlite",
    "internal-client-secrets.json",
    "records.sqlite",
  ]);
  // A snapshot from the middle of the load: some Passes are in it, not those recorded after it.
  const inBackup = awarded(join(backupDir, "records.sqlite"));
  expect(inBackup).toBeGreaterThanOrEqual(50);
  expect(inBackup).toBeLessThan(ok);
  await live.stop();
  running.splice(running.indexOf(live), 1);

  // Restore into a new data directory, as docs/OPERATIONS.md says, and serve it.
  const restored = await serveBinary({
    env: { SMTP_URL: smtp.url },
    beforeStart: (_run, dir) => {
      mkdirSync(join(dir, "data"), { recursive: true });
      for (const file of readdirSync(backupDir)) copyFileSync(join(backupDir, file), join(dir, "data", file));
    },
  });
  running.push(restored);
  expect(awarded(join(restored.dataDir, "records.sqlite"))).toBe(inBackup);
  // identity kept its clients: the secret shown by the first start still works.
  const again = await token(restored, secret);
  expect(again.status).toBe(200);
  const fresh = ((await again.json()) as { access_token: string }).access_token;
  // records still reaches identity with the restored internal credentials: a new Pass is emailed.
  const last = teachers - 1;
  expect((await pass(restored, fresh, last)).status).toBe(200);
  const email = await smtp.waitForMessage(`backup${last}@example.com`, { timeoutMs: 15_000 });
  expect(email.text).toContain(`${restored.urls.access}/register?trn_token=`);
}, 60_000);
