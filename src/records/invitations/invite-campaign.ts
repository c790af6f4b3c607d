// `records invite --without-account`: the QTS invitation (the same email, the same outbox kind and
// dedupe key as every other path to QTS) for teachers who already hold QTS, have an email address
// and have no Teacher ID account (as identity's webhooks told records: teacher_id_accounts).
//
// It is paced by queueing: a batch at a time, as many as the rate allows so far, and never more
// waiting in the outbox than a minute's worth (so an outage at identity or the mail relay does not
// turn into a burst when it ends). The outbox worker of the running `serve` sends them. The dedupe
// key (`qts-invitation:{trn}`) is the campaign's memory: a teacher already invited, by any path or
// an earlier run stopped half way, is never queued again, so a stopped run is resumed by running
// the same command again.
import type { RecordsDatabase } from "../db/database";
import { invitationKinds, type InvitationReason } from "./award-invitation";

export const campaignReason: InvitationReason = "invite-without-account";

export interface CampaignFilter {
  /** Only teachers whose QTS date is before this (YYYY-MM-DD). */
  qtsBefore?: string;
}

// Teachers with QTS, an email and no account; one per TRN (DQT holds a few duplicate records).
const eligible = `
  FROM teachers t
  WHERE t.qts_date IS NOT NULL AND t.email IS NOT NULL
    AND ($qtsBefore IS NULL OR t.qts_date < $qtsBefore)
    AND NOT EXISTS (SELECT 1 FROM teacher_id_accounts a WHERE a.trn = t.trn)
    AND t.id = (SELECT min(d.id) FROM teachers d WHERE d.trn = t.trn)`;
const invited = `EXISTS (SELECT 1 FROM outbox o WHERE o.dedupe_key = $kind || ':' || t.trn)`;

export interface CampaignCounts {
  /** Hold QTS (before the date, if given), have an email and no account. */
  eligible: number;
  /** Of those, already invited: by their award, or by an earlier run. */
  alreadyInvited: number;
  /** Of those, still to invite. */
  toInvite: number;
}

export function campaignCounts(db: RecordsDatabase, filter: CampaignFilter = {}): CampaignCounts {
  const row = db.$client
    .query<{ eligible: number; alreadyInvited: number }, { qtsBefore: string | null; kind: string }>(
      `SELECT count(*) AS eligible, coalesce(sum(${invited}), 0) AS alreadyInvited ${eligible}`,
    )
    .get({ qtsBefore: filter.qtsBefore ?? null, kind: invitationKinds.qts })!;
  return { eligible: row.eligible, alreadyInvited: row.alreadyInvited, toInvite: row.eligible - row.alreadyInvited };
}

/**
 * Queues up to `limit` invitations for teachers not yet invited, in one transaction, in TRN order;
 * returns how many. A teacher queued by another path meanwhile is skipped by the dedupe key.
 */
export function queueCampaignBatch(
  db: RecordsDatabase,
  limit: number,
  filter: CampaignFilter & { afterTrn?: string } = {},
  now = Date.now(),
): { queued: number; lastTrn: string | undefined } {
  if (limit <= 0) return { queued: 0, lastTrn: filter.afterTrn };
  return db.transaction(
    () => {
      const rows = db.$client
        .query<{ trn: string }, Record<string, string | number | null>>(
          `INSERT INTO outbox (kind, payload, dedupe_key, next_attempt_at, created_at)
           SELECT $kind, json_object('award', 'qts', 'reason', $reason, 'trn', t.trn, 'email', t.email,
             'firstName', t.first_name, 'lastName', t.last_name, 'awardDate', t.qts_date),
             $kind || ':' || t.trn, $now, $now -- invitationDedupeKey("qts", trn)
           ${eligible} AND t.trn > $after AND NOT ${invited}
           ORDER BY t.trn LIMIT $limit
           ON CONFLICT (dedupe_key) DO NOTHING
           RETURNING json_extract(payload, '$.trn') AS trn`,
        )
        .all({ kind: invitationKinds.qts, reason: campaignReason, now, limit, qtsBefore: filter.qtsBefore ?? null, after: filter.afterTrn ?? "" });
      // Where the next batch starts: every TRN up to it is queued now or was invited before.
      const lastTrn = rows.reduce<string | undefined>((max, r) => (max === undefined || r.trn > max ? r.trn : max), filter.afterTrn);
      return { queued: rows.length, lastTrn };
    },
    { behavior: "immediate" },
  );
}

export interface CampaignProgress {
  /** Invitations this campaign (any run) has in the outbox: waiting, sent, failed. */
  pending: number;
  sent: number;
  failed: number;
}

/** How many of the campaign's invitations wait in the outbox (read on the index of waiting rows). */
function campaignWaiting(db: RecordsDatabase): number {
  return db.$client
    .query<{ n: number }, { kind: string; reason: string }>(
      `SELECT count(*) AS n FROM outbox WHERE status = 'pending' AND kind = $kind AND json_extract(payload, '$.reason') = $reason`,
    )
    .get({ kind: invitationKinds.qts, reason: campaignReason })!.n;
}

/** Where the campaign's invitations are (every run's: they carry the campaign's reason). */
export function campaignProgress(db: RecordsDatabase): CampaignProgress {
  const rows = db.$client
    .query<{ status: string; n: number }, { kind: string; reason: string }>(
      `SELECT status, count(*) AS n FROM outbox WHERE kind = $kind AND json_extract(payload, '$.reason') = $reason GROUP BY status`,
    )
    .all({ kind: invitationKinds.qts, reason: campaignReason });
  const progress: CampaignProgress = { pending: 0, sent: 0, failed: 0 };
  for (const { status, n } of rows) if (status in progress) progress[status as keyof CampaignProgress] = n;
  return progress;
}

/** "5000/h", "100/m", "2/s": invitations an hour. */
export function parseRate(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\/(h|m|s)$/.exec(text.trim());
  if (!match) return undefined;
  const perHour = Number(match[1]) * { h: 1, m: 60, s: 3600 }[match[2] as "h" | "m" | "s"];
  return perHour > 0 && perHour <= 36_000_000 ? perHour : undefined;
}

export interface CampaignRunOptions extends CampaignFilter {
  /** Invitations an hour. */
  perHour: number;
  /** Called about every 10% and every 10 s with where the run is. */
  onProgress: (p: { queued: number; toInvite: number; outbox: CampaignProgress; elapsedMs: number }) => void;
  /** Set to stop after the current batch (Ctrl+C). */
  stopped: () => boolean;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface CampaignRunResult {
  /** Before this run. */
  before: CampaignCounts;
  /** Queued by this run. */
  queued: number;
  /** False when stopped before every teacher was queued. */
  finished: boolean;
  elapsedMs: number;
  outbox: CampaignProgress;
}

/**
 * Queues the campaign at `perHour`: every tick, what the rate allows since the start minus what is
 * queued, while no more than a minute's worth (at least 50) waits in the outbox.
 */
export async function runCampaign(db: RecordsDatabase, options: CampaignRunOptions): Promise<CampaignRunResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => Bun.sleep(ms));
  const before = campaignCounts(db, options);
  const started = now();
  const perMs = options.perHour / 3_600_000;
  // A tick at most 1 s, and short enough that a tick's batch stays small at high rates.
  const tickMs = Math.max(50, Math.min(1000, Math.floor(200 / perMs)));
  const waitingCap = Math.max(50, Math.ceil(options.perHour / 60));
  let queued = 0;
  let afterTrn: string | undefined;
  let lastReportAt = started;
  let lastReportedTenth = 0;
  let finished = before.toInvite === 0;
  while (!finished && !options.stopped()) {
    const allowed = Math.floor((now() - started) * perMs) + 1 - queued;
    const room = waitingCap - campaignWaiting(db);
    const batch = Math.min(allowed, room, 5000);
    if (batch > 0) {
      const added = queueCampaignBatch(db, batch, { qtsBefore: options.qtsBefore, afterTrn }, now());
      queued += added.queued;
      afterTrn = added.lastTrn;
      if (added.queued < batch) finished = true;
    }
    const tenth = before.toInvite ? Math.floor((10 * queued) / before.toInvite) : 10;
    if (finished || tenth > lastReportedTenth || now() - lastReportAt >= 10_000) {
      lastReportedTenth = tenth;
      lastReportAt = now();
      options.onProgress({ queued, toInvite: before.toInvite, outbox: campaignProgress(db), elapsedMs: now() - started });
    }
    if (!finished) await sleep(tickMs);
  }
  return { before, queued, finished, elapsedMs: now() - started, outbox: campaignProgress(db) };
}
