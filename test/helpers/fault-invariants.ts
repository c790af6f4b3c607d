// What must hold after any fault, read from the databases and the SMTP server once the load has
// stopped: everything a client was told is kept, each invitation went out once (a duplicate only
// where a kill fell between the SMTP server accepting it and the outbox marking it sent), no
// half-made account, and every SQLite file passes its integrity check.
import { Database } from "bun:sqlite";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { AcceptedEmail } from "./fault-smtp";
import type { AcknowledgedPass, CompletedRegistration, IssuedToken } from "./fault-load";

export interface FaultLedger {
  /** Pass outcomes that got a 2xx, by TRN. */
  passes: Map<string, AcknowledgedPass>;
  /** POST /trn-tokens calls that got a 201. */
  trnTokens: IssuedToken[];
  /** Registrations whose final POST got its redirect, by TRN. */
  registrations: Map<string, CompletedRegistration>;
  /** When each SIGKILL was sent (Date.now()). */
  kills: number[];
}

export interface DuplicateInvitation {
  email: string;
  copies: number;
  /** A kill fell after the first copy's data began to reach the SMTP server, and before the next copy. */
  explained: boolean;
  /** From the first copy's acceptance to the kill that explains it, in ms (negative: killed while the data was arriving). */
  killAfterMs?: number;
}

export interface ExtraTokens {
  trn: string;
  tokens: number;
  /** A kill fell between each token's issue and the next one's. */
  explained: boolean;
}

export interface FaultReport {
  outcomes: { checked: number; lost: string[] };
  invitations: {
    checked: number;
    /** Acknowledged Passes with no email, or whose outbox row is not "sent". */
    undelivered: string[];
    duplicates: DuplicateInvitation[];
    /** Emails whose copies carry different links (a retry asked identity for a second token). */
    differentLinks: string[];
    /**
     * Invitation TRNs with more than one TRN token at identity. Allowed only where a kill fell
     * between identity issuing one and records storing its link (the retry asks again); such a
     * token was never sent to anyone, and identity holds only its hash, so nobody can use it.
     */
    extraTokens: ExtraTokens[];
    /** Emails to addresses no acknowledged Pass explains. */
    strangers: string[];
    /**
     * From the SMTP server accepting an invitation to records marking it sent (ms, p50/p99/max):
     * the window in which a kill makes a duplicate.
     */
    acceptedToMarkedMs: { p50: number; p99: number; max: number } | undefined;
  };
  trnTokens: { checked: number; lost: string[] };
  registrations: { checked: number; lost: string[] };
  accounts: { count: number; withoutTrn: number; withoutConsumedToken: number };
  consumedTokensWithoutAccount: number;
  outbox: { records: Record<string, number>; identity: Record<string, number> };
  integrity: Record<string, string>;
}

function open(dataDir: string, file: string): Database {
  const db = new Database(join(dataDir, file));
  db.run("PRAGMA busy_timeout = 5000");
  return db;
}

const linkIn = (text: string) => /\/register\?trn_token=([A-Za-z0-9_%-]+)/.exec(text)?.[1];

/** PRAGMA integrity_check of every SQLite file in the data directory ("ok" when sound). */
export function integrityOfEveryFile(dataDir: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const file of readdirSync(dataDir).filter((name) => name.endsWith(".sqlite"))) {
    const db = open(dataDir, file);
    try {
      const rows = db.query("PRAGMA integrity_check").all() as { integrity_check: string }[];
      result[file] = rows.map((r) => r.integrity_check).join("; ");
    } finally {
      db.close();
    }
  }
  return result;
}

/** Messages in a service's outbox, by status (e.g. { sent: 120 }). */
export function outboxStatuses(dataDir: string, file: "records.sqlite" | "identity.sqlite"): Record<string, number> {
  const db = open(dataDir, file);
  try {
    // Every message: email, SMS, and webhook deliveries (identity's events to records), which resume
    // promptly once the subscriber is back (a capped backoff, and each one sent wakes the next).
    const rows = db.query("SELECT status, count(*) AS n FROM outbox GROUP BY status").all() as { status: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  } finally {
    db.close();
  }
}

/** Waits until neither outbox has a message left to send (the services must be running). */
export async function outboxesDrained(dataDir: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!outboxStatuses(dataDir, "records.sqlite").pending && !outboxStatuses(dataDir, "identity.sqlite").pending) return true;
    await Bun.sleep(100);
  }
  return false;
}

/** Checks every invariant; call with the services stopped (so the files are at rest). */
export function checkFaultInvariants(dataDir: string, ledger: FaultLedger, mail: AcceptedEmail[]): FaultReport {
  const records = open(dataDir, "records.sqlite");
  const identity = open(dataDir, "identity.sqlite");
  try {
    // Every outcome that got a 2xx is in the database: the QTS date, the ITT result, the invitation row.
    const teacher = records.query(
      `SELECT t.qts_date AS qtsDate,
              (SELECT count(*) FROM itt_records i WHERE i.teacher_id = t.id AND i.result = 'Pass') AS passes,
              (SELECT status FROM outbox o WHERE o.dedupe_key = 'qts-invitation:' || t.trn) AS invitation,
              (SELECT sent_at FROM outbox o WHERE o.dedupe_key = 'qts-invitation:' || t.trn) AS sentAt
       FROM teachers t WHERE t.trn = ?`,
    );
    const lostOutcomes: string[] = [];
    const undelivered: string[] = [];
    const sentAt = new Map<string, number>();
    for (const pass of ledger.passes.values()) {
      const row = teacher.get(pass.trn) as { qtsDate: string | null; passes: number; invitation: string | null; sentAt: number | null } | null;
      if (!row || row.qtsDate !== pass.qtsDate || row.passes !== 1 || row.invitation === null) lostOutcomes.push(pass.trn);
      else if (row.invitation !== "sent") undelivered.push(`${pass.trn} (outbox: ${row.invitation})`);
      if (row?.sentAt) sentAt.set(pass.email.toLowerCase(), row.sentAt);
    }

    // Every acknowledged Pass produced exactly one invitation, delivered.
    const byAddress = new Map<string, AcceptedEmail[]>();
    for (const message of mail) for (const to of message.to) (byAddress.get(to) ?? byAddress.set(to, []).get(to)!).push(message);
    const passEmails = new Set([...ledger.passes.values()].map((p) => p.email.toLowerCase()));
    const duplicates: DuplicateInvitation[] = [];
    const differentLinks: string[] = [];
    const extraTokens: ExtraTokens[] = [];
    const tokensForTrn = identity.query("SELECT created_at AS createdAt FROM trn_tokens WHERE trn = ? ORDER BY created_at");
    for (const pass of ledger.passes.values()) {
      const copies = byAddress.get(pass.email.toLowerCase()) ?? [];
      if (copies.length === 0) undelivered.push(`${pass.trn} (no email)`);
      if (copies.length > 1) {
        const explained = copies.slice(1).every((copy, i) => ledger.kills.some((k) => k >= copies[i].dataStartedAt && k <= copy.acceptedAt));
        const kill = ledger.kills.find((k) => k >= copies[0].dataStartedAt && k <= copies[1].acceptedAt);
        duplicates.push({ email: pass.email, copies: copies.length, explained, killAfterMs: kill === undefined ? undefined : kill - copies[0].acceptedAt });
      }
      if (new Set(copies.map((c) => linkIn(c.text))).size > 1) differentLinks.push(pass.email);
      const issued = (tokensForTrn.all(pass.trn) as { createdAt: number }[]).map((t) => t.createdAt);
      if (issued.length > 1) {
        const explained = issued.slice(1).every((at, i) => ledger.kills.some((k) => k >= issued[i] && k <= at));
        extraTokens.push({ trn: pass.trn, tokens: issued.length, explained });
      }
    }
    const strangers = [...byAddress.keys()].filter((address) => !passEmails.has(address));
    const windows = [...sentAt]
      .map(([email, at]) => at - (byAddress.get(email)?.at(-1)?.acceptedAt ?? at))
      .sort((a, b) => a - b);
    const acceptedToMarkedMs = windows.length
      ? { p50: windows[Math.floor(windows.length * 0.5)], p99: windows[Math.floor(windows.length * 0.99)], max: windows.at(-1)! }
      : undefined;

    // Every TRN token identity acknowledged is stored, for its TRN and email.
    const tokenRow = identity.query("SELECT trn, email FROM trn_tokens WHERE token_hash = ?");
    const lostTokens = ledger.trnTokens
      .filter((t) => {
        const row = tokenRow.get(t.tokenHash) as { trn: string; email: string } | null;
        return !row || row.trn !== t.trn || row.email !== t.email.toLowerCase();
      })
      .map((t) => t.trn);

    // Every registration whose final POST got its redirect has an account with its TRN; its token is consumed by it.
    const accountFor = identity.query(
      `SELECT a.id, a.email, t.consumed_at AS consumedAt, t.account_id AS tokenAccount
       FROM accounts a LEFT JOIN trn_tokens t ON t.token_hash = ? WHERE a.trn = ?`,
    );
    const lostRegistrations: string[] = [];
    for (const done of ledger.registrations.values()) {
      const row = accountFor.get(done.tokenHash, done.trn) as { id: string; email: string; consumedAt: number | null; tokenAccount: string | null } | null;
      if (!row || row.email !== done.email.toLowerCase() || row.consumedAt === null || row.tokenAccount !== row.id) lostRegistrations.push(done.trn);
    }

    // No account without its TRN binding, no token consumed without an account.
    const count = (sql: string) => (identity.query(sql).get() as { n: number }).n;
    const accounts = {
      count: count("SELECT count(*) AS n FROM accounts"),
      withoutTrn: count("SELECT count(*) AS n FROM accounts WHERE trn IS NULL"),
      withoutConsumedToken: count(
        `SELECT count(*) AS n FROM accounts a
         WHERE NOT EXISTS (SELECT 1 FROM trn_tokens t WHERE t.account_id = a.id AND t.consumed_at IS NOT NULL AND t.trn = a.trn)`,
      ),
    };
    const consumedTokensWithoutAccount = count(
      `SELECT count(*) AS n FROM trn_tokens t
       WHERE t.consumed_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = t.account_id AND a.trn = t.trn)`,
    );

    return {
      outcomes: { checked: ledger.passes.size, lost: lostOutcomes },
      invitations: { checked: ledger.passes.size, undelivered, duplicates, differentLinks, extraTokens, strangers, acceptedToMarkedMs },
      trnTokens: { checked: ledger.trnTokens.length, lost: lostTokens },
      registrations: { checked: ledger.registrations.size, lost: lostRegistrations },
      accounts,
      consumedTokensWithoutAccount,
      outbox: { records: outboxStatuses(dataDir, "records.sqlite"), identity: outboxStatuses(dataDir, "identity.sqlite") },
      integrity: integrityOfEveryFile(dataDir),
    };
  } finally {
    records.close();
    identity.close();
  }
}

/** Every broken invariant in a report, one line each (empty when all hold). */
export function brokenInvariants(report: FaultReport): string[] {
  const broken: string[] = [];
  const list = (what: string, items: string[]) => {
    if (items.length > 0) broken.push(`${what}: ${items.length} (${items.slice(0, 5).join(", ")}${items.length > 5 ? ", ..." : ""})`);
  };
  list("acknowledged outcomes missing from records", report.outcomes.lost);
  list("acknowledged Passes without a delivered invitation", report.invitations.undelivered);
  list(
    "duplicate invitations no kill explains",
    report.invitations.duplicates.filter((d) => !d.explained).map((d) => `${d.email} x${d.copies}`),
  );
  list("invitations whose copies carry different links", report.invitations.differentLinks);
  list(
    "invitation TRNs with more than one TRN token no kill explains",
    report.invitations.extraTokens.filter((t) => !t.explained).map((t) => `${t.trn} x${t.tokens}`),
  );
  list("emails to addresses no Pass explains", report.invitations.strangers);
  list("acknowledged TRN tokens missing from identity", report.trnTokens.lost);
  list("acknowledged registrations without their account or consumed token", report.registrations.lost);
  if (report.accounts.withoutTrn > 0) broken.push(`accounts without a TRN: ${report.accounts.withoutTrn}`);
  if (report.accounts.withoutConsumedToken > 0) broken.push(`accounts without the token that made them: ${report.accounts.withoutConsumedToken}`);
  if (report.consumedTokensWithoutAccount > 0) broken.push(`consumed tokens without an account: ${report.consumedTokensWithoutAccount}`);
  for (const [kind, outbox] of Object.entries(report.outbox)) {
    if (outbox.pending || outbox.failed) broken.push(`${kind} outbox not drained: ${JSON.stringify(outbox)}`);
  }
  for (const [file, result] of Object.entries(report.integrity)) if (result !== "ok") broken.push(`${file}: integrity_check says ${result}`);
  return broken;
}

/** TRN tokens issued for an invitation but never sent (a kill before its link was stored). */
export const orphanTokenCount = (report: FaultReport) => report.invitations.extraTokens.reduce((n, t) => n + t.tokens - 1, 0);

/** Duplicate emails in a report (copies beyond the first). */
export const duplicateCount = (report: FaultReport) => report.invitations.duplicates.reduce((n, d) => n + d.copies - 1, 0);
