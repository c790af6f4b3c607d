// access's tables. Times are unix milliseconds. Nothing here is usable on its own: ids, states and
// nonces are stored as SHA-256 hex; tokens the service must use again (the PKCE verifier, the
// teacher's access and ID tokens) are sealed with a key derived from a value only the browser or
// the URL holds (see src/access/sessions/seal.ts).
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/** One sign-in started at identity and not yet finished; consumed once by the callback. */
export const loginAttempts = sqliteTable(
  "login_attempts",
  {
    stateHash: text("state_hash").primaryKey(),
    /** SHA-256 of the access_login cookie: the callback must come back to the same browser. */
    browserHash: text("browser_hash").notNull(),
    /** The PKCE verifier sealed with a key derived from `state`; wiped when consumed. */
    codeVerifierSealed: text("code_verifier_sealed"),
    nonceHash: text("nonce_hash").notNull(),
    /** Local path to show after sign-in. */
    returnTo: text("return_to").notNull(),
    viaTrnToken: integer("via_trn_token", { mode: "boolean" }).notNull().default(false),
    /** Started by "Create an account without a link" (/create-account, prompt=create). */
    createAccount: integer("create_account", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    consumedAt: integer("consumed_at"),
  },
  (t) => [index("login_attempts_expires").on(t.expiresAt)],
);

/**
 * A signed-in teacher's session; the access_session cookie holds the id, this row its hash. No name
 * or TRN is kept: the pages read them from records with the teacher's own token each time.
 */
export const sessions = sqliteTable(
  "sessions",
  {
    idHash: text("id_hash").primaryKey(),
    sub: text("sub").notNull(),
    /** JSON { accessToken, idToken } sealed with a key derived from the cookie value. */
    tokensSealed: text("tokens_sealed").notNull(),
    accessTokenExpiresAt: integer("access_token_expires_at").notNull(),
    /** SHA-256 of the `state` sent with RP-initiated logout: only identity's answer to it ends the session. */
    logoutStateHash: text("logout_state_hash"),
    /**
     * Set when this sign-in created the teacher's Teacher ID account (started by /register or
     * /create-account, and identity's ID token says `new_account`): the qualifications page shows
     * "Your Teacher ID account has been created" once, and clears it.
     */
    accountCreatedNotice: integer("account_created_notice", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("sessions_expires").on(t.expiresAt)],
);

/** The certificates access makes. */
export const certificateKinds = ["qts", "eyts", "induction", "npq"] as const;
export type CertificateKind = (typeof certificateKinds)[number];

/**
 * One downloaded certificate and its verification code: the code (128 random bits, in the PDF's
 * footer and QR code) is kept only as its SHA-256. What the certificate says is kept as printed, so
 * /check/{code} can show it; whether it still stands is asked of records each time.
 */
export const certificates = sqliteTable(
  "certificates",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    codeHash: text("code_hash").notNull().unique(),
    /** identity's subject: whose qualifications page lists it. */
    sub: text("sub").notNull(),
    trn: text("trn").notNull(),
    kind: text("kind", { enum: certificateKinds }).notNull(),
    /** records' id of the NPQ, for kind "npq". */
    qualificationId: integer("qualification_id"),
    /** As printed: the holder's name, the qualification's name and the date it was awarded. */
    holderName: text("holder_name").notNull(),
    qualificationName: text("qualification_name").notNull(),
    awardedDate: text("awarded_date").notNull(),
    createdAt: integer("created_at").notNull(),
    /** The PDF's size in bytes, once rendered: the download link states the last one's ("about 16 KB"). */
    sizeBytes: integer("size_bytes"),
    /** Set when the holder stopped the link working. */
    endedAt: integer("ended_at"),
  },
  (t) => [index("certificates_sub").on(t.sub)],
);
