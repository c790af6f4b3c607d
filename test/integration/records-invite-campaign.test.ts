// `teacher-id records invite --without-account` with the built binary, `serve` sending through a real
// SMTP server: teachers who hold QTS, have an email and no Teacher ID account are each emailed once;
// no one else is; and a run killed with kill -9 half way, then started again, invites no one twice.
// `make test`: 2,000 teachers. `make soak` (SOAK_SCALE > 1): INVITE_SOAK_TEACHERS (100,000), at a
// high rate; its numbers go to README "Reliability".
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { SMTPServer } from "smtp-server";
import { openRecordsDatabase } from "../../src/records/db/database";
import { applyIdentityEvent } from "../../src/records/identity-events/teacher-id-accounts";
import { numberSetting, reportReliability, soakScale } from "../helpers/reliability";
import { serveBinary, type ServedBinary } from "../helpers/served-binary";

const soak = soakScale() > 1;
const population = soak ? numberSetting("INVITE_SOAK_TEACHERS", 100_000) : 2_000;
const rate = soak ? "2000000/h" : "3600000/h";
const qtsBefore = "2026-01-01";

/** A real SMTP server that keeps only who each message went to (100,000 parsed emails would not fit). */
async function startCountingSink() {
  const received = new Map<string, number>();
  let registrationLinks = 0;
  let total = 0;
  const withoutLink: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      let raw = "";
      stream.on("data", (chunk: Buffer) => (raw += chunk.toString("latin1")));
      stream.on("end", () => {
        total++;
        // Quoted-printable breaks long lines with "=" at the end: join them before looking for the link.
        if (/\/register\?trn_token=/.test(raw.replace(/=\r?\n/g, ""))) registrationLinks++;
        else withoutLink.push(...session.envelope.rcptTo.map((r) => r.address));
        for (const r of session.envelope.rcptTo) received.set(r.address.toLowerCase(), (received.get(r.address.toLowerCase()) ?? 0) + 1);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    total: () => total,
    registrationLinks: () => registrationLinks,
    withoutLink,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type Kind = "eligible" | "invited-before" | "no-email" | "no-qts" | "has-account" | "qts-after";
const kinds: Kind[] = [];
const email = (i: number) => `campaign-${i}@example.com`;
for (let i = 0; i < population; i++) {
  const roll = i % 40;
  kinds.push(roll < 32 ? "eligible" : roll < 34 ? "no-email" : roll < 36 ? "no-qts" : roll < 38 ? "has-account" : roll < 39 ? "qts-after" : "invited-before");
}
const trn = (i: number) => String(5_000_000 + i);

function csv(rows: number[]): string {
  const lines = ["trn,first_name,last_name,date_of_birth,email,qts_date"];
  for (const i of rows) {
    const kind = kinds[i];
    const qts = kind === "no-qts" ? "" : kind === "qts-after" ? "2026-03-01" : `20${String(10 + (i % 15)).padStart(2, "0")}-07-01`;
    lines.push(`${trn(i)},Teacher,Number${i},1980-01-01,${kind === "no-email" ? "" : email(i)},${qts}`);
  }
  return lines.join("\n") + "\n";
}

let sink: Awaited<ReturnType<typeof startCountingSink>>;
let served: ServedBinary;

beforeAll(async () => {
  sink = await startCountingSink();
  served = await serveBinary({
    env: { SMTP_URL: sink.url, OUTBOX_RETRY_MIN: "100ms", OUTBOX_RETRY_MAX: "1s", LOG_LEVEL: "warn" },
    beforeStart: (run, dir) => {
      // DQT's teachers loaded without invitations (awarded long ago); a few imported the usual
      // way, whose import sends their invitation.
      const all = [...kinds.keys()];
      writeFileSync(join(dir, "legacy.csv"), csv(all.filter((i) => kinds[i] !== "invited-before")));
      writeFileSync(join(dir, "recent.csv"), csv(all.filter((i) => kinds[i] === "invited-before")));
      for (const args of [["records", "import", "--no-invitations", "legacy.csv"], ["records", "import", "recent.csv"]]) {
        const result = run(args);
        if (result.code !== 0) throw new Error(`${args.join(" ")}: ${result.stderr}`);
      }
      // Teachers who have an account, as identity's webhooks told records.
      const db = openRecordsDatabase(join(dir, "data"));
      try {
        kinds.forEach((kind, i) => {
          if (kind === "has-account") {
            applyIdentityEvent(db, { id: `evt-${i}`, type: "TrnBound", timestamp: new Date().toISOString(), data: { sub: `sub-${i}`, trn: trn(i) } });
          }
        });
      } finally {
        db.$client.close();
      }
    },
  });
}, 600_000);
afterAll(async () => {
  await served?.stop();
  await sink?.close();
});

/** Starts `records invite` and resolves with its output, or kills it (-9) once a line matches `killWhen`. */
async function invite(args: string[], killWhen?: RegExp): Promise<{ code: number | null; out: string; killed: boolean }> {
  const child = Bun.spawn([served.binary, "records", "invite", ...args], {
    cwd: served.dir,
    env: { PATH: process.env.PATH ?? "", ...served.env },
    stdout: "pipe",
    stderr: "pipe",
  });
  let out = "";
  let killed = false;
  const decoder = new TextDecoder();
  for await (const chunk of child.stdout) {
    out += decoder.decode(chunk, { stream: true });
    if (killWhen && !killed && killWhen.test(out)) {
      child.kill("SIGKILL");
      killed = true;
    }
  }
  const code = await child.exited;
  const err = await new Response(child.stderr).text();
  if (err.trim()) out += `\nSTDERR: ${err}`;
  return { code, out, killed };
}

describe(`records invite --without-account, ${population.toLocaleString("en-GB")} teachers`, () => {
  test("everyone with QTS, an email and no account is emailed once, across a kill -9 and a restart; no one else", async () => {
    const eligible = kinds.flatMap((k, i) => (k === "eligible" ? [i] : []));
    const dry = await invite(["--without-account", "--qts-before", qtsBefore, "--dry-run"]);
    expect(dry.code).toBe(0);
    // The demo teacher with QTS (serve's seed) is eligible too.
    const wouldInvite = Number(/([\d,]+) would be invited now/.exec(dry.out)![1].replace(/,/g, ""));
    expect(wouldInvite).toBeGreaterThanOrEqual(eligible.length);
    expect(wouldInvite).toBeLessThanOrEqual(eligible.length + 1);

    const started = Date.now();
    const first = await invite(["--without-account", "--qts-before", qtsBefore, "--rate", rate], /Queued [\d,]+ of [\d,]+ \((?:[2-9]\d)%\)/);
    expect(first.killed).toBe(true);
    expect(first.code).not.toBe(0);
    const queuedByFirst = Number(/Queued ([\d,]+) of/.exec(first.out)![1].replace(/,/g, ""));

    const second = await invite(["--without-account", "--qts-before", qtsBefore, "--rate", rate]);
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/^Done: queued [\d,]+ invitations/m);
    const queuedBySecond = Number(/Done: queued ([\d,]+) invitations/.exec(second.out)![1].replace(/,/g, ""));
    // What the first run queued before it died (at least what it last printed), the second did not queue again.
    expect(queuedBySecond).toBeGreaterThan(0);
    expect(queuedBySecond).toBeLessThanOrEqual(wouldInvite - queuedByFirst);

    // serve sends what was queued; a third run finds nothing to do.
    const invitedBefore = kinds.filter((k) => k === "invited-before").length;
    const expectedTotal = wouldInvite + invitedBefore;
    const deadline = Date.now() + (soak ? 1_800_000 : 120_000);
    while (sink.total() < expectedTotal && Date.now() < deadline) await Bun.sleep(200);
    const sentInMs = Date.now() - started;
    await Bun.sleep(1500); // a duplicate would arrive now
    const third = await invite(["--without-account", "--qts-before", qtsBefore]);
    expect(third.out).toContain("Inviting 0 teachers");

    const twice = [...sink.received.values()].filter((n) => n > 1).length;
    const missing = eligible.filter((i) => sink.received.get(email(i)) !== 1).length;
    const wronglySent = kinds.filter((k, i) => (k === "has-account" || k === "qts-after") && sink.received.has(email(i))).length;
    const note =
      `${eligible.length} eligible of ${population} teachers, killed at ${queuedByFirst} queued, rate ${rate}; ` +
      `every email sent in ${(sentInMs / 1000).toFixed(1)} s (${Math.round((sink.total() * 1000) / sentInMs)}/s), ${sink.registrationLinks()} with a registration link`;
    console.log(`records invite: ${note}; missing ${missing}, twice ${twice}, sent to the ineligible ${wronglySent}`);
    expect(missing).toBe(0);
    expect(twice).toBe(0);
    expect(wronglySent).toBe(0);
    expect(sink.total()).toBe(expectedTotal);
    // No one here has an account at identity, so every email carries a registration link.
    expect(sink.withoutLink.slice(0, 3)).toEqual([]);
    reportReliability({
      id: "invite-campaign-kill-9",
      fault: "`records invite --without-account` killed with kill -9 part way, then run again",
      test: "test/integration/records-invite-campaign.test.ts",
      unit: "teachers",
      makeTest: 2_000,
      tried: population,
      lost: missing,
      duplicated: twice,
      note,
    });
  }, 3_600_000);
});
