// `teacher-id records ...`: operator commands for the records service.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { desc, eq } from "drizzle-orm";
import { commandGroup, type Command } from "../cli/command";
import { loadRecordsConfig } from "./settings";
import { maskEmail } from "../log/logger";
import { outbox } from "../outbox/schema";
import { openRecordsDatabase, recordsDatabaseFile } from "./db/database";
import { loadDemoTeachersIn } from "./demo/demo-teachers";
import { importTeacherCsv } from "./import/import-teachers";
import { readTextPieces } from "./import/read-text-pieces";
import { teacherCsvColumns } from "./import/teacher-csv";
import { importQualificationCsv, qualificationCsvColumns } from "./import/import-qualifications";
import { setAsideAward } from "./awards/set-aside";
import { qtsRoutes } from "./db/schema";
import { isIsoDate } from "./dates";
import { campaignCounts, parseRate, runCampaign, type CampaignProgress } from "./invitations/invite-campaign";

const importCommand: Command = {
  name: "import",
  summary: "Load teacher records from a CSV file",
  help: `Usage: teacher-id records import [--kind teachers|qualifications] FILE.csv [--dry-run] [--no-invitations]

--kind teachers (the default) loads teachers and their ITT records into records' database (DATA_DIR/records.sqlite).

The first row names the columns (any order; unknown names are an error):
  ${teacherCsvColumns.join(", ")}
Required: trn (7 digits), first_name, last_name, date_of_birth (YYYY-MM-DD, in the past;
  a blank date_of_birth means DQT has none, and Teacher ID asks the teacher).
Optional: middle_name, email, national_insurance_number (e.g. AB123456C), previous_last_names
  (e.g. a maiden name; up to 5, separated by ;), qts_date (YYYY-MM-DD), qts_route (${qtsRoutes.join(", ")}), induction_status
  (RequiredToComplete, InProgress, Passed, Failed, Exempt, None).
ITT columns (optional, but itt_provider_ukprn, itt_provider_name and itt_result go together):
  itt_provider_ukprn (8 digits), itt_provider_name, itt_programme_type,
  itt_subjects (separated by ;), itt_age_range_from, itt_age_range_to (0-19),
  itt_start_date, itt_end_date (YYYY-MM-DD), itt_result (InTraining, UnderAssessment,
  Deferred, DeferredForSkillsTests, Pass, Fail, Withdrawn).
One row per ITT record: rows with the same trn are one teacher and must agree on its details.

Every row is checked and every problem is printed with its line number. A file with any
problem loads nothing. The file is read a piece at a time and staged in a scratch file in the
temp directory (TMPDIR), so memory stays small whatever its size; only a file without problems
is then copied into records, in one transaction. A running 'serve' is not held up while the
file is read and checked; its writes wait for the copy (about a second per 200,000 rows).
A teacher whose trn is already in records is a problem (import adds new teachers only).
Each new teacher with a qts_date and an email gets the QTS invitation (the same email, sent once,
as an ITT Pass would send), queued in the same transaction as the copy (unless --no-invitations).

--kind qualifications loads NPQs and mandatory qualifications for teachers already in records:
  ${qualificationCsvColumns.join(", ")}
  Required: trn, qualification (npq or mandatory), type, status (InProgress, Passed, Failed,
  Deferred). type: an NPQ's (NPQH, NPQSL, NPQML, NPQLT, NPQLTD, NPQLBC, NPQEL, NPQEYL, NPQSENCO,
  NPQLL) or a mandatory qualification's specialism (Hearing, Visual, MultiSensory).
  awarded_date (YYYY-MM-DD) is required when status is Passed; start_date and provider_name optional.
  One row per qualification; a teacher holds each type once. All or nothing, like teachers.

Options:
  --kind K    teachers (default) or qualifications
  --dry-run   Check the file (against records' database, when there is one), but load nothing.
  --no-invitations
              Queue no QTS invitations (e.g. when loading teachers who were awarded QTS long ago):
              invite them later, at a pace, with 'teacher-id records invite --without-account'.`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: { "dry-run": { type: "boolean" }, "no-invitations": { type: "boolean" }, kind: { type: "string", default: "teachers" } },
      allowPositionals: true,
      strict: true,
    });
    if (values.kind !== "teachers" && values.kind !== "qualifications") {
      io.err("--kind must be teachers or qualifications");
      return 2;
    }
    if (positionals.length !== 1) {
      io.err(`Give one CSV file.\n\n${importCommand.help}`);
      return 2;
    }
    const file = positionals[0];
    let pieces: Iterable<string>;
    try {
      pieces = readTextPieces(file);
    } catch (error) {
      io.err(`Cannot read ${file}: ${(error as Error).message}`);
      return 66; // EX_NOINPUT
    }
    const dryRun = values["dry-run"] === true;
    const config = loadRecordsConfig(io.env);
    // A dry run where records has no database yet checks against an empty one in a temporary
    // directory, so it creates nothing in DATA_DIR (serve seeds demo teachers only into a new one).
    const scratch = dryRun && !existsSync(recordsDatabaseFile(config.DATA_DIR)) ? mkdtempSync(join(tmpdir(), "teacher-id-dry-run-")) : undefined;
    const db = openRecordsDatabase(scratch ?? config.DATA_DIR);
    try {
      const onProblem = (p: { line: number; message: string }) => io.err(`${file}:${p.line}: ${p.message}`);
      if (values.kind === "qualifications") {
        const loaded = importQualificationCsv(db, pieces, { dryRun, onProblem });
        if (!loaded.ok) {
          io.err(`${loaded.problemCount} problem${loaded.problemCount === 1 ? "" : "s"}: nothing was imported.`);
          return 65;
        }
        io.out(
          loaded.dryRun
            ? `${file} is valid: ${loaded.qualifications} qualifications (dry run: nothing was imported).`
            : `Imported ${loaded.qualifications} qualifications from ${file}.`,
        );
        return 0;
      }
      const result = importTeacherCsv(db, pieces, { dryRun, onProblem, invite: values["no-invitations"] !== true });
      if (!result.ok) {
        io.err(`${result.problemCount} problem${result.problemCount === 1 ? "" : "s"}: nothing was imported.`);
        return 65; // EX_DATAERR
      }
      io.out(
        result.dryRun
          ? `${file} is valid: ${result.teachers} teachers and ${result.ittRecords} ITT records (dry run: nothing was imported).`
          : `Imported ${result.teachers} teachers and ${result.ittRecords} ITT records from ${file}; ${result.invitations} QTS invitation${result.invitations === 1 ? "" : "s"} queued.`,
      );
      return 0;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === "string" && code.startsWith("E")) {
        io.err(`Cannot read ${file}: ${(error as Error).message}. Nothing was imported.`);
        return 66;
      }
      throw error;
    } finally {
      db.$client.close();
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    }
  },
};

const demoCommand: Command = {
  name: "demo",
  summary: "Load the fictional demo teachers (development)",
  help: `Usage: teacher-id records demo

Loads a handful of fictional teachers (example.com addresses), several in training, one
without an email, one already holding QTS. Teachers already present are left alone.
'serve' does this by itself on a fresh development install; 'serve --demo' on any.`,
  async run(_args, io) {
    const config = loadRecordsConfig(io.env);
    if (config.ENVIRONMENT === "production") {
      io.err("Demo teachers are for development only (ENVIRONMENT=production).");
      return 2;
    }
    io.out(`Loaded ${loadDemoTeachersIn(config.DATA_DIR)} demo teachers.`);
    return 0;
  },
};

/** Who a stored message is for, and why an invitation was sent ("" when its payload cannot be read: the list still shows it). */
function recipientAndReason(payload: string): { to: string; reason: string } {
  try {
    const parsed = JSON.parse(payload) as { to?: unknown; email?: unknown; reason?: unknown; award?: unknown; accountExists?: unknown };
    const to = parsed.email ?? parsed.to;
    // Invitations written before reasons were kept came from an ITT Pass, the only path then.
    const isInvitation = typeof parsed.email === "string";
    const reason = isInvitation ? (typeof parsed.reason === "string" ? parsed.reason : "itt-outcome-pass") : "";
    const link = parsed.accountExists === true ? " (has an account: sign-in link)" : "";
    return { to: typeof to === "string" ? to : "", reason: reason + (reason ? link : "") };
  } catch {
    return { to: "", reason: "" };
  }
}

const outboxList: Command = {
  name: "list",
  summary: "List outbox messages (newest first)",
  help: `Usage: teacher-id records outbox list [--status pending|sent|failed] [--limit N]

Shows records' outbox: invitation emails waiting, sent or failed, with attempts and last error.
REASON says why an invitation was sent: itt-outcome-pass, import-qts-date, put-qts, put-eyts,
induction-passed or invite-without-account ('records invite'), and whether the teacher already had an account (then the email has a sign-in
link instead of a registration link). Addresses are masked.`,
  async run(args, io) {
    const { values } = parseArgs({ args, options: { status: { type: "string" }, limit: { type: "string" } }, strict: true });
    const statuses = ["pending", "sent", "failed"] as const;
    if (values.status !== undefined && !(statuses as readonly string[]).includes(values.status)) {
      io.err(`--status must be one of ${statuses.join(", ")}`);
      return 2;
    }
    const limit = values.limit === undefined ? 50 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) {
      io.err("--limit must be a whole number above 0");
      return 2;
    }
    const config = loadRecordsConfig(io.env);
    const db = openRecordsDatabase(config.DATA_DIR);
    try {
      const rows = db
        .select()
        .from(outbox)
        .where(values.status ? eq(outbox.status, values.status as (typeof statuses)[number]) : undefined)
        .orderBy(desc(outbox.id))
        .limit(limit)
        .all();
      if (rows.length === 0) {
        io.out("No messages.");
        return 0;
      }
      io.out(["ID", "KIND", "STATUS", "ATTEMPTS", "CREATED (UTC)", "NEXT/SENT (UTC)", "TO", "REASON", "LAST ERROR"].join("\t"));
      for (const row of rows) {
        const { to, reason } = recipientAndReason(row.payload);
        io.out(
          [
            row.id,
            row.kind,
            row.status,
            row.attempts,
            new Date(row.createdAt).toISOString(),
            new Date(row.status === "sent" ? (row.sentAt ?? 0) : row.nextAttemptAt).toISOString(),
            to.includes("@") ? maskEmail(to) : to ? `${to.slice(0, 3)}***` : "",
            reason,
            row.lastError ?? "",
          ].join("\t"),
        );
      }
      return 0;
    } finally {
      db.$client.close();
    }
  },
};

const outboxRetry: Command = {
  name: "retry",
  summary: "Send a failed or waiting message again now",
  help: `Usage: teacher-id records outbox retry ID

Puts message ID back in the queue, due now (a failed message gets a fresh maximum age).
A running 'serve' picks it up within a second. A message already sent is left alone.`,
  async run(args, io) {
    const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true });
    const id = Number(positionals[0]);
    if (positionals.length !== 1 || !Number.isInteger(id) || id < 1) {
      io.err(`Give one message ID (from 'teacher-id records outbox list').\n\n${outboxRetry.help}`);
      return 2;
    }
    const config = loadRecordsConfig(io.env);
    const db = openRecordsDatabase(config.DATA_DIR);
    try {
      const row = db.select().from(outbox).where(eq(outbox.id, id)).get();
      if (!row) {
        io.err(`There is no outbox message ${id}.`);
        return 1;
      }
      if (row.status === "sent") {
        io.err(`Message ${id} was already sent at ${new Date(row.sentAt ?? 0).toISOString()}; nothing to do.`);
        return 1;
      }
      const now = Date.now();
      if (row.status === "pending" && row.claimedUntil !== null && row.claimedUntil > now) {
        io.err(`Message ${id} is being sent right now; check again with 'teacher-id records outbox list'.`);
        return 1;
      }
      db.update(outbox)
        .set({ status: "pending", nextAttemptAt: now, claimedUntil: null, ...(row.status === "failed" ? { createdAt: now } : {}) })
        .where(eq(outbox.id, id))
        .run();
      io.out(`Message ${id} (${row.kind}) will be sent again now.`);
      return 0;
    } finally {
      db.$client.close();
    }
  },
};

const setAsideCommand: Command = {
  name: "set-aside",
  summary: "Set an award aside (its certificates then show as withdrawn)",
  help: `Usage: teacher-id records set-aside TRN --award qts|eyts|induction|npq:ID --reason TEXT

Removes an award from a teacher's record, e.g. QTS awarded in error. Certificates already downloaded
for it then show as withdrawn at {ACCESS_URL}/check/{code}. The reason is logged.
npq:ID is the NPQ's id in GET /v3/teacher's "npqs". A later award of the same kind sends no new
invitation (one per award and TRN, ever).`,
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, options: { award: { type: "string" }, reason: { type: "string" } }, allowPositionals: true, strict: true });
    const award = values.award ?? "";
    if (positionals.length !== 1 || !/^\d{7}$/.test(positionals[0]) || !/^(qts|eyts|induction|npq:\d+)$/.test(award) || !values.reason?.trim()) {
      io.err(`Give a TRN, --award and --reason.\n\n${setAsideCommand.help}`);
      return 2;
    }
    const config = loadRecordsConfig(io.env);
    const db = openRecordsDatabase(config.DATA_DIR);
    try {
      const result = setAsideAward(db, positionals[0], award);
      if (result !== "set_aside") {
        io.err(result === "not_found" ? `No teacher with TRN ${positionals[0]} holds that award.` : `More than one teacher has TRN ${positionals[0]}.`);
        return 1;
      }
      io.out(`Set aside ${award} for TRN ${positionals[0]}.`);
      return 0;
    } finally {
      db.$client.close();
    }
  },
};

const count = (n: number) => n.toLocaleString("en-GB");
const clock = (ms: number) => {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
};
const inOutbox = (o: CampaignProgress) => `sent ${count(o.sent)}, waiting ${count(o.pending)}, failed ${count(o.failed)}`;

const inviteCommand: Command = {
  name: "invite",
  summary: "Invite teachers who hold QTS and have no Teacher ID account",
  help: `Usage: teacher-id records invite --without-account [--qts-before DATE] [--rate 5000/h] [--dry-run]

Sends the QTS invitation (the magic-link email an award sends) to every teacher who holds QTS, has
an email address and has no Teacher ID account, as identity's webhooks have told records. identity
still decides the link when the email is sent: a teacher who has an account by then gets a sign-in
link instead.

The invitations go through records' outbox, which the running 'serve' sends; this command queues
them at the rate given, never more than a minute's worth waiting, and prints its progress. One
invitation per teacher, ever: a teacher invited before (by their award, or by an earlier run) is
never queued again. So after a stop (Ctrl+C, a crash, a reboot) run the same command again and it
goes on where it stopped.

Options:
  --without-account   Required: who to invite (teachers with no Teacher ID account).
  --qts-before DATE   Only teachers whose QTS date is before DATE (YYYY-MM-DD).
  --rate N/h          Invitations an hour (default 5000/h; also N/m, N/s).
  --dry-run           Count who would be invited, and how long it would take; queue nothing.`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { "without-account": { type: "boolean" }, "qts-before": { type: "string" }, rate: { type: "string", default: "5000/h" }, "dry-run": { type: "boolean" } },
      strict: true,
    });
    if (!values["without-account"]) {
      io.err(`Say who to invite: --without-account.\n\n${inviteCommand.help}`);
      return 2;
    }
    const qtsBefore = values["qts-before"];
    if (qtsBefore !== undefined && !isIsoDate(qtsBefore)) {
      io.err("--qts-before must be a real date in the format YYYY-MM-DD");
      return 2;
    }
    const perHour = parseRate(values.rate);
    if (perHour === undefined) {
      io.err("--rate must be a number of invitations per hour, minute or second, e.g. 5000/h, 100/m or 2/s");
      return 2;
    }
    const config = loadRecordsConfig(io.env);
    if (!existsSync(recordsDatabaseFile(config.DATA_DIR))) {
      io.err(`There is no records database in ${config.DATA_DIR}.`);
      return 1;
    }
    const db = openRecordsDatabase(config.DATA_DIR);
    const onSignal = () => {
      stop = true;
    };
    let stop = false;
    try {
      const who = `teachers who hold QTS${qtsBefore ? ` from before ${qtsBefore}` : ""}, have an email address and no Teacher ID account`;
      const counts = campaignCounts(db, { qtsBefore });
      const hours = counts.toInvite / perHour;
      const duration = hours >= 1 ? `about ${hours.toFixed(1)} hours` : `about ${Math.ceil(hours * 60)} minutes`;
      if (values["dry-run"]) {
        io.out(
          `${count(counts.eligible)} ${who}; ${count(counts.alreadyInvited)} of them were invited before. ` +
            `${count(counts.toInvite)} would be invited now, at ${count(perHour)} an hour: ${duration} (dry run: nothing was queued).`,
        );
        return 0;
      }
      io.out(`Inviting ${count(counts.toInvite)} ${who} (${count(counts.alreadyInvited)} invited before), at ${count(perHour)} an hour: ${duration}.`);
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
      const result = await runCampaign(db, {
        qtsBefore,
        perHour,
        stopped: () => stop,
        onProgress: (p) =>
          io.out(
            `Queued ${count(p.queued)} of ${count(p.toInvite)} (${p.toInvite ? Math.floor((100 * p.queued) / p.toInvite) : 100}%); ${inOutbox(p.outbox)}; ${clock(p.elapsedMs)} elapsed`,
          ),
      });
      const left = result.before.toInvite - result.queued;
      if (!result.finished) {
        io.out(
          `Stopped after queueing ${count(result.queued)} invitations in ${clock(result.elapsedMs)}; ${count(left)} left. ` +
            `Run the same command again to go on: no one is invited twice. In the outbox: ${inOutbox(result.outbox)}.`,
        );
        return 130;
      }
      io.out(
        `Done: queued ${count(result.queued)} invitations in ${clock(result.elapsedMs)} (${count(result.before.alreadyInvited)} teachers were invited before). ` +
          `In the outbox: ${inOutbox(result.outbox)}; 'serve' sends what is waiting ('teacher-id records outbox list --status failed' shows failures).`,
      );
      return 0;
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      db.$client.close();
    }
  },
};

export const recordsCommands = commandGroup("records", "Operate the records service", [
  importCommand,
  inviteCommand,
  setAsideCommand,
  demoCommand,
  commandGroup("outbox", "See and retry records' outgoing messages", [outboxList, outboxRetry]),
]);
