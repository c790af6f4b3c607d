// Server-side journey state. The browser's identity_journey cookie holds a random id; the table
// holds only its hash, the authorization request it belongs to (if a client started it), and the
// answers as JSON.
import { and, eq, gt, sql } from "drizzle-orm";
import { perConnection } from "../../db/per-connection";
import { randomToken, sha256 } from "../../security/tokens";
import { readCookie, serializeCookie } from "../../web/cookies";
import type { IdentityDb } from "../db/database";
import { journeys } from "../db/schema";
import { isIdentityPath, type FinishedJourney, type JourneyState } from "./journey-state";

export const journeyCookieName = "identity_journey";
/** Long enough to fetch a phone and read a text; short enough that an abandoned journey goes. */
export const journeyLifetimeMs = 60 * 60 * 1000;
/**
 * The cookie lives longer than its journey, so that a page opened after the journey ended can say
 * "timed out", and a page opened with no cookie at all can say there is nothing to continue.
 */
export const journeyCookieLifetimeMs = 24 * 60 * 60 * 1000;
/**
 * How long a finished journey is remembered: long enough for a double click, a refresh, or going
 * back and sending the last page again; short, because it can give its browser the session again.
 */
export const finishedJourneyLifetimeMs = 15 * 60 * 1000;

export interface Journey {
  /** The cookie's value. Only the browser keeps it; it is the key to what a finished journey sealed. */
  id: string;
  idHash: string;
  state: JourneyState;
}

// Every journey's first request: prepared once (see db/per-connection).
const insertJourney = perConnection((db: IdentityDb) =>
  db
    .insert(journeys)
    .values({
      idHash: sql.placeholder("idHash"),
      authorizationRequestId: sql.placeholder("requestId"),
      state: sql.placeholder("state"),
      createdAt: sql.placeholder("now"),
      updatedAt: sql.placeholder("now"),
      expiresAt: sql.placeholder("expiresAt"),
    })
    .prepare(),
);

export function startJourney(
  db: IdentityDb,
  state: JourneyState,
  options: { secure: boolean; now?: number },
): { journey: Journey; setCookie: string } {
  if (state.returnTo !== undefined && !isIdentityPath(state.returnTo)) throw new Error("a journey returns only to a path on identity");
  const now = options.now ?? Date.now();
  const id = randomToken();
  const idHash = sha256(id);
  insertJourney(db).run({ idHash, requestId: state.requestId ?? null, state: JSON.stringify(state), now, expiresAt: now + journeyLifetimeMs });
  return {
    journey: { id, idHash, state },
    setCookie: serializeCookie(journeyCookieName, id, { secure: options.secure, maxAgeSeconds: journeyCookieLifetimeMs / 1000 }),
  };
}

// Read on every journey request: prepared once (see db/per-connection).
const liveJourney = perConnection((db: IdentityDb) =>
  db
    .select({ idHash: journeys.idHash, state: journeys.state })
    .from(journeys)
    .where(and(eq(journeys.idHash, sql.placeholder("idHash")), gt(journeys.expiresAt, sql.placeholder("now"))))
    .prepare(),
);

/** The journey the browser's cookie names, unless it has expired; it may be finished. */
export function readJourney(db: IdentityDb, cookieHeader: string | null, now = Date.now()): Journey | undefined {
  const id = readCookie(cookieHeader, journeyCookieName);
  return id ? readJourneyById(db, id, now) : undefined;
}

export function readJourneyById(db: IdentityDb, id: string, now = Date.now()): Journey | undefined {
  const row = liveJourney(db).get({ idHash: sha256(id), now });
  return row ? { id, idHash: row.idHash, state: JSON.parse(row.state) as JourneyState } : undefined;
}

// Saved after every answer: prepared once (see db/per-connection).
const updateJourney = perConnection((db: IdentityDb) =>
  db
    .update(journeys)
    .set({ state: sql`${sql.placeholder("state")}`, updatedAt: sql`${sql.placeholder("now")}` })
    .where(eq(journeys.idHash, sql.placeholder("idHash")))
    .prepare(),
);

export function saveJourney(db: IdentityDb, journey: Journey, now = Date.now()): void {
  updateJourney(db).run({ state: JSON.stringify(journey.state), now, idHash: journey.idHash });
}

const finishJourneyRow = perConnection((db: IdentityDb) =>
  db
    .update(journeys)
    .set({ state: sql`${sql.placeholder("state")}`, updatedAt: sql`${sql.placeholder("now")}`, expiresAt: sql`${sql.placeholder("expiresAt")}` })
    .where(eq(journeys.idHash, sql.placeholder("idHash")))
    .prepare(),
);

/**
 * Marks the journey finished (after it signed someone in) and keeps it for finishedJourneyLifetimeMs,
 * instead of forgetting it at once; returns the Set-Cookie header that keeps the cookie as long.
 */
export function markJourneyFinished(
  db: IdentityDb,
  journey: Journey,
  finished: FinishedJourney,
  options: { secure: boolean; now?: number },
): string {
  const now = options.now ?? Date.now();
  journey.state.finished = finished;
  finishJourneyRow(db).run({ state: JSON.stringify(journey.state), now, expiresAt: now + finishedJourneyLifetimeMs, idHash: journey.idHash });
  return serializeCookie(journeyCookieName, journey.id, { secure: options.secure, maxAgeSeconds: finishedJourneyLifetimeMs / 1000 });
}
