// What an operator or tester sees of an account (`teacher-id identity accounts list|show`): who it
// is (its sub), its contact details masked, its TRN, when it was made and when it last signed in.
// Never a code, token, secret or a full email address or phone number.
import { and, count, desc, eq, gt, type SQL } from "drizzle-orm";
import { maskPhone } from "../../mail/mailer";
import { accounts, sessions } from "../db/schema";
import { normaliseEmail, partlyMaskEmail } from "./accounts";
import type { IdentityDb } from "../db/database";

export interface AccountSummary {
  /** The account id: the `sub` of its tokens. */
  sub: string;
  /** Partly masked: `am****e@example.com`. */
  email: string;
  emailVerified: boolean;
  /** Masked: `+44*******456`; null when the account has no mobile. */
  phone: string | null;
  phoneVerified: boolean;
  trn: string | null;
  createdAt: number;
  /** Null when it has not signed in since last sign-ins were recorded (identity migration 0003). */
  lastSignedInAt: number | null;
}

export interface AccountFilter {
  trn?: string;
  email?: string;
  /** At most this many, newest first. */
  limit: number;
}

function summarise(account: typeof accounts.$inferSelect): AccountSummary {
  return {
    sub: account.id,
    email: partlyMaskEmail(account.email),
    emailVerified: account.emailVerified,
    phone: account.phoneNumber === null ? null : maskPhone(account.phoneNumber),
    phoneVerified: account.phoneNumberVerified,
    trn: account.trn,
    createdAt: account.createdAt,
    lastSignedInAt: account.lastSignedInAt,
  };
}

/** The accounts matching every filter given, newest first, and how many match in all. */
export function findAccountSummaries(db: IdentityDb, filter: AccountFilter): { accounts: AccountSummary[]; total: number } {
  const conditions: SQL[] = [];
  if (filter.trn !== undefined) conditions.push(eq(accounts.trn, filter.trn));
  if (filter.email !== undefined) conditions.push(eq(accounts.email, normaliseEmail(filter.email)));
  const where = conditions.length ? and(...conditions) : undefined;
  const rows = db.select().from(accounts).where(where).orderBy(desc(accounts.createdAt), accounts.id).limit(filter.limit).all();
  const total = db.select({ n: count() }).from(accounts).where(where).get()?.n ?? 0;
  return { accounts: rows.map(summarise), total };
}

/** One account by its sub, with how many identity sessions it has open now; undefined when there is none. */
export function accountSummary(db: IdentityDb, sub: string, now = Date.now()): (AccountSummary & { liveSessions: number }) | undefined {
  const account = db.select().from(accounts).where(eq(accounts.id, sub)).get();
  if (!account) return undefined;
  const live = db
    .select({ n: count() })
    .from(sessions)
    .where(and(eq(sessions.accountId, sub), gt(sessions.expiresAt, now)))
    .get();
  return { ...summarise(account), liveSessions: live?.n ?? 0 };
}
