// identity's tables. Times are unix milliseconds; secrets are stored only as SHA-256 hex
// (columns named *_hash). Dates of birth are ISO yyyy-mm-dd strings.
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
export { outbox } from "../../outbox/schema";

export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

export const clients = sqliteTable("clients", {
  clientId: text("client_id").primaryKey(),
  name: text("name").notNull(),
  secretHash: text("secret_hash").notNull(),
  /** JSON arrays of exact strings. */
  redirectUris: text("redirect_uris").notNull().default("[]"),
  postLogoutRedirectUris: text("post_logout_redirect_uris").notNull().default("[]"),
  initiateLoginUri: text("initiate_login_uri"),
  grantTypes: text("grant_types").notNull().default("[]"),
  scopes: text("scopes").notNull().default("[]"),
  /** How this client's ID tokens are signed (OIDC registration metadata of the same name). */
  idTokenSignedResponseAlg: text("id_token_signed_response_alg", { enum: ["ES256", "RS256"] }).notNull().default("ES256"),
  createdAt: integer("created_at").notNull(),
  secretRotatedAt: integer("secret_rotated_at"),
  /** Requests a minute this client may make to each API; null: the service's API_RATE_LIMIT. */
  rateLimit: integer("rate_limit"),
});

export const signingKeys = sqliteTable("signing_keys", {
  kid: text("kid").primaryKey(),
  alg: text("alg", { enum: ["ES256", "RS256"] }).notNull(),
  privateJwk: text("private_jwk").notNull(),
  publicJwk: text("public_jwk").notNull(),
  createdAt: integer("created_at").notNull(),
  /** Set when a newer key takes over signing; the public key stays published until expires. */
  retiredAt: integer("retired_at"),
  /** When the last token this key could have signed expires; after that it leaves the JWKS. */
  publishUntil: integer("publish_until"),
});

export const accounts = sqliteTable(
  "accounts",
  {
    id: text("id").primaryKey(),
    /** Lower-cased. */
    email: text("email").notNull().unique(),
    emailVerified: integer("email_verified", { mode: "boolean" }).notNull().default(false),
    phoneNumber: text("phone_number"),
    phoneNumberVerified: integer("phone_number_verified", { mode: "boolean" }).notNull().default(false),
    givenName: text("given_name"),
    familyName: text("family_name"),
    preferredName: text("preferred_name"),
    birthdate: text("birthdate"),
    /** At most one account per TRN. */
    trn: text("trn").unique(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    /** When the account last signed in (a new identity session); for operators (`identity accounts show`). */
    lastSignedInAt: integer("last_signed_in_at"),
  },
  // The Users API pages through accounts in this order (GET /api/v1/users).
  (t) => [index("accounts_created").on(t.createdAt, t.id)],
);

export const sessions = sqliteTable(
  "sessions",
  {
    idHash: text("id_hash").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    authTime: integer("auth_time").notNull(),
    /** How the sign-in was proved when not the usual way: "sms-recovery" (a code texted because the email could not be used). */
    signedInWith: text("signed_in_with"),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("sessions_account").on(t.accountId)],
);

/** A validated /authorize request waiting for the user to sign in or register. */
export const authorizationRequests = sqliteTable("authorization_requests", {
  id: text("id").primaryKey(),
  clientId: text("client_id").notNull(),
  redirectUri: text("redirect_uri").notNull(),
  scope: text("scope").notNull(),
  state: text("state"),
  nonce: text("nonce"),
  codeChallenge: text("code_challenge").notNull(),
  prompt: text("prompt"),
  maxAge: integer("max_age"),
  /** SHA-256 of the trn_token parameter, when the request carried one. */
  trnTokenHash: text("trn_token_hash"),
  createdAt: integer("created_at").notNull(),
  expiresAt: integer("expires_at").notNull(),
  completedAt: integer("completed_at"),
});

/** A grant ties the tokens issued from one authorization together, so reuse can revoke them all. */
export const grants = sqliteTable(
  "grants",
  {
    id: text("id").primaryKey(),
    clientId: text("client_id").notNull(),
    accountId: text("account_id"),
    scope: text("scope").notNull(),
    /**
     * The identity session (its id_hash) the user was signed in with when the grant was made:
     * signing out of that session revokes the grant. Not a foreign key: the session row goes first.
     */
    sessionIdHash: text("session_id_hash"),
    createdAt: integer("created_at").notNull(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("grants_session").on(t.sessionIdHash), index("grants_account").on(t.accountId, t.clientId)],
);

export const authorizationCodes = sqliteTable("authorization_codes", {
  codeHash: text("code_hash").primaryKey(),
  grantId: text("grant_id")
    .notNull()
    .references(() => grants.id),
  clientId: text("client_id").notNull(),
  accountId: text("account_id").notNull(),
  redirectUri: text("redirect_uri").notNull(),
  scope: text("scope").notNull(),
  nonce: text("nonce"),
  codeChallenge: text("code_challenge").notNull(),
  authTime: integer("auth_time").notNull(),
  createdAt: integer("created_at").notNull(),
  expiresAt: integer("expires_at").notNull(),
  consumedAt: integer("consumed_at"),
});

export const refreshTokens = sqliteTable("refresh_tokens", {
  tokenHash: text("token_hash").primaryKey(),
  grantId: text("grant_id")
    .notNull()
    .references(() => grants.id),
  createdAt: integer("created_at").notNull(),
  expiresAt: integer("expires_at").notNull(),
  /** Set when rotated; presenting a rotated token again revokes the grant. */
  consumedAt: integer("consumed_at"),
});

export const trnTokens = sqliteTable(
  "trn_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    trn: text("trn").notNull(),
    /** Lower-cased. */
    email: text("email").notNull(),
    /** The API client that asked for it. */
    clientId: text("client_id").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    consumedAt: integer("consumed_at"),
    /** The account it was bound to when consumed. */
    accountId: text("account_id"),
  },
  (t) => [index("trn_tokens_trn").on(t.trn)],
);

/** 6-digit security codes sent by email or SMS. */
export const securityCodes = sqliteTable(
  "security_codes",
  {
    id: text("id").primaryKey(),
    purpose: text("purpose", { enum: ["email_sign_in", "phone_verification", "email_change", "account_deletion", "registration_email", "sms_recovery", "staff_sign_in"] }).notNull(),
    /** Lower-cased email address or E.164 phone number. */
    destination: text("destination").notNull(),
    codeHash: text("code_hash").notNull(),
    failedAttempts: integer("failed_attempts").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    consumedAt: integer("consumed_at"),
  },
  (t) => [index("security_codes_destination").on(t.purpose, t.destination)],
);

/** Server-side state of one sign-in or registration journey; the browser holds only its id. */
export const journeys = sqliteTable("journeys", {
  idHash: text("id_hash").primaryKey(),
  authorizationRequestId: text("authorization_request_id").references(() => authorizationRequests.id),
  /** JSON: the answers so far and the step reached. */
  state: text("state").notNull(),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
  expiresAt: integer("expires_at").notNull(),
});

/** Fixed-window counters for rate limits, keyed by e.g. "email-code:ip:203.0.113.9". */
export const rateLimits = sqliteTable(
  "rate_limits",
  {
    key: text("key").notNull(),
    windowStart: integer("window_start").notNull(),
    count: integer("count").notNull(),
  },
  (t) => [uniqueIndex("rate_limits_key_window").on(t.key, t.windowStart)],
);

/**
 * identity's audit log: one row per change to an account (who, what, when; old and new values
 * masked; never a code or token). Append-only: the migration adds triggers that refuse UPDATE and
 * DELETE. Written only through recordEvent() (src/identity/events/), in the change's transaction.
 */
export const events = sqliteTable(
  "events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    time: integer("time").notNull(),
    /** Who made the change: an account's sub, a client_id, or "identity" itself. */
    actor: text("actor").notNull(),
    /** The account the change is about (its sub). */
    subject: text("subject").notNull(),
    /** e.g. UserUpdated, UserDeleted, GrantRevoked. */
    type: text("type").notNull(),
    /** JSON: what changed, values masked. */
    payload: text("payload").notNull(),
  },
  (t) => [index("events_subject").on(t.subject, t.time)],
);

/**
 * A deleted account's tombstone: only its sub and when, so that sub is never issued again (the
 * migration adds a trigger that refuses an account with a tombstoned id).
 */
export const deletedAccounts = sqliteTable("deleted_accounts", {
  sub: text("sub").primaryKey(),
  deletedAt: integer("deleted_at").notNull(),
});

/**
 * An account merged into another by support (src/identity/support/): its sub, never issued again
 * (the migration adds a trigger, as for deleted_accounts), the survivor's sub, and the SHA-256 of
 * the merged account's email address (lower-cased), so that a sign-in with that address can say
 * where the account went without keeping the address itself.
 */
export const mergedAccounts = sqliteTable(
  "merged_accounts",
  {
    sub: text("sub").primaryKey(),
    mergedIntoSub: text("merged_into_sub").notNull(),
    emailHash: text("email_hash").notNull(),
    mergedAt: integer("merged_at").notNull(),
  },
  (t) => [index("merged_accounts_email").on(t.emailHash, t.mergedAt)],
);

/**
 * A change on /account waiting for its security code: a new email address or mobile number, or a
 * deletion. One per identity session; it goes with the session (sign-out) or the account.
 */
export const accountChanges = sqliteTable(
  "account_changes",
  {
    sessionIdHash: text("session_id_hash")
      .primaryKey()
      .references(() => sessions.idHash, { onDelete: "cascade" }),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["email", "phone", "delete"] }).notNull(),
    /** The new email address (lower-cased) or mobile number (E.164); null for a deletion. */
    value: text("value"),
    /** "confirm-school": a school or university address waits for "are you sure"; "code-sent": waits for the code. */
    stage: text("stage", { enum: ["confirm-school", "code-sent"] }).notNull(),
    /** The security code sent for this change (security_codes.id): only that code is checked here. */
    codeId: text("code_id"),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("account_changes_expiry").on(t.expiresAt)],
);

/**
 * A webhook subscriber (Standard Webhooks): where identity sends which events. Its signing secret
 * is stored encrypted with the key vault's webhook key (it must be usable to sign, so not hashed).
 */
export const webhookSubscriptions = sqliteTable("webhook_subscriptions", {
  id: text("id").primaryKey(),
  url: text("url").notNull(),
  /** Comma-separated event types, e.g. "UserRegistered,UserUpdated". */
  events: text("events").notNull(),
  /** AES-256-GCM of the whsec_ secret: iv.ciphertext.tag, base64url, the id as associated data. */
  secretEncrypted: text("secret_encrypted").notNull(),
  createdAt: integer("created_at").notNull(),
  /** When deliveries started failing without a success since; null when the last one worked. */
  failingSince: integer("failing_since"),
  /** Set after a day of failures: no more deliveries are enqueued or sent. */
  disabledAt: integer("disabled_at"),
});

/**
 * DfE staff who use the support console (/admin). Not teachers: they never have an account row.
 * `admin` can do everything `support` can, plus clients, webhooks, staff and signing keys.
 */
export const staff = sqliteTable("staff", {
  id: text("id").primaryKey(),
  /** Lower-cased. */
  email: text("email").notNull().unique(),
  role: text("role", { enum: ["support", "admin"] }).notNull(),
  createdAt: integer("created_at").notNull(),
  /** AES-256-GCM of the base32 TOTP secret under the key vault's staff key (iv.ciphertext.tag, the staff id as associated data). */
  totpSecretEncrypted: text("totp_secret_encrypted"),
  totpEnrolledAt: integer("totp_enrolled_at"),
  /** The last TOTP time step accepted: a code of that step or an earlier one is refused (no reuse). */
  lastTotpStep: integer("last_totp_step"),
});

/** A staff member's one-time recovery codes (10 at enrolment), SHA-256 only. */
export const staffRecoveryCodes = sqliteTable(
  "staff_recovery_codes",
  {
    codeHash: text("code_hash").primaryKey(),
    staffId: text("staff_id")
      .notNull()
      .references(() => staff.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
    usedAt: integer("used_at"),
  },
  (t) => [index("staff_recovery_codes_staff").on(t.staffId)],
);

/**
 * A console sign-in under way (email code, then TOTP or its enrolment), or a staff session once
 * both factors are done. The browser holds only a random id (cookie identity_admin, Path=/admin).
 */
export const staffSessions = sqliteTable(
  "staff_sessions",
  {
    idHash: text("id_hash").primaryKey(),
    /** Null while the email typed has no staff member (the pages look the same: no enumeration). */
    staffId: text("staff_id").references(() => staff.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    stage: text("stage", { enum: ["email-code", "totp", "enrol", "signed-in"] }).notNull(),
    /** The security code sent for this sign-in (security_codes.id). */
    codeId: text("code_id"),
    /** During enrolment: the new TOTP secret, encrypted as staff.totp_secret_encrypted (this row's id hash as associated data). */
    pendingTotpSecret: text("pending_totp_secret"),
    createdAt: integer("created_at").notNull(),
    /** Absolute end (8 hours after sign-in at most). */
    expiresAt: integer("expires_at").notNull(),
    /** Last request: 30 idle minutes end the session. */
    lastSeenAt: integer("last_seen_at").notNull(),
  },
  (t) => [index("staff_sessions_staff").on(t.staffId)],
);

/** A blocked teacher account: it cannot sign in until unblocked (support console). */
export const accountBlocks = sqliteTable("account_blocks", {
  accountId: text("account_id")
    .primaryKey()
    .references(() => accounts.id, { onDelete: "cascade" }),
  blockedAt: integer("blocked_at").notNull(),
  /** The actor, e.g. staff:<id>. */
  blockedBy: text("blocked_by").notNull(),
});

/**
 * A teacher who created an account without a link and whose teaching record records could not
 * match (src/identity/find-record/): support looks for it by hand. `reference` is what the teacher
 * and support quote ("TID-XXXX-XXXX"). `answers` (JSON) holds only what the teacher gave to find
 * the record (names, date of birth, the identifier they chose): personal data, kept with the case
 * and removed with the account (ON DELETE CASCADE).
 */
export const supportCases = sqliteTable(
  "support_cases",
  {
    reference: text("reference").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["trn-lookup"] }).notNull(),
    answers: text("answers").notNull(),
    status: text("status", { enum: ["open", "resolved", "closed"] }).notNull(),
    /** The TRN support assigned (status resolved). */
    trn: text("trn"),
    /** Why support resolved or closed it, and who ("staff:<id>"). */
    reason: text("reason"),
    resolvedBy: text("resolved_by"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    resolvedAt: integer("resolved_at"),
  },
  (t) => [index("support_cases_status").on(t.status, t.createdAt), index("support_cases_account").on(t.accountId, t.createdAt)],
);

/**
 * What people wrote in the beta banner's feedback form (src/identity/feedback/), when FEEDBACK_URL is
 * not set. The text only: no name, email, IP or account is asked for or kept with it.
 */
export const feedback = sqliteTable("feedback", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  /** The service the teacher came from ("identity", "access", "records"), when the link said. */
  service: text("service"),
  text: text("text").notNull(),
  createdAt: integer("created_at").notNull(),
});
