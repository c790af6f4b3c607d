// `teacher-id identity ...`: operator commands for the identity service. They open identity's
// database directly (safe while `serve` runs: SQLite WAL); the running service sees the change at
// once (within 1 ms: it keeps clients and keys in memory and checks every millisecond, while in
// use, whether another process changed the database; see db/other-connections.ts).
import { parseArgs } from "node:util";
import { commandGroup, type Command, type CommandIO } from "../cli/command";
import { loadIdentityConfig, type IdentityConfig } from "./settings";
import { fieldErrors } from "../web/problem";
import {
  ClientExistsError,
  createClient,
  grantTypes,
  knownScopes,
  listClients,
  newClientSchemaFor,
  rateLimitSchema,
  removeClient,
  rotateClientSecret,
  setClientRateLimit,
} from "./clients/clients";
import { accountSummary, findAccountSummaries, type AccountSummary } from "./accounts/account-summaries";
import { openIdentityDatabase, type IdentityDatabaseFile } from "./db/database";
import { signingKeyPassphrase, unlockKeyVault } from "./keys/key-vault";
import { rotateSigningKeys } from "./keys/signing-keys";
import { eventTypes, listEvents } from "./events/events";
import { webhookKind } from "./webhooks/subscriptions";
import { addStaff, findStaffByEmail, findStaffById, isPlausibleEmail, isStaffRole, listStaff, removeStaff, resetTotp, setStaffRole, StaffExistsError, type StaffRow } from "./admin/staff/staff";
import { enqueueMessage } from "../outbox/enqueue";
import {
  addSubscription,
  findSubscription,
  isWebhookSecret,
  listSubscriptions,
  removeSubscription,
  rotateSubscriptionSecret,
  enableSubscription,
  webhookUrlProblem,
} from "./webhooks/subscriptions";

/** Verifiers may be a little behind identity's clock; keep retired keys this much longer. */
const rotationMarginMs = 5 * 60_000;

function withDatabase<T>(io: CommandIO, run: (db: IdentityDatabaseFile, config: IdentityConfig) => Promise<T>): Promise<T> {
  const config = loadIdentityConfig(io.env);
  const db = openIdentityDatabase(config.DATA_DIR);
  return run(db, config).finally(() => db.$client.close());
}

const splitList = (value: string | undefined) => (value ?? "").split(/[\s,]+/).filter(Boolean);

const addClient: Command = {
  name: "add",
  summary: "Register an OAuth client and print its secret (once)",
  help: `Usage: teacher-id identity clients add --name NAME --client-id ID --grant-types LIST --scopes LIST [options]

Registers a client of Teacher ID and prints its client secret. The secret is shown only this
once (identity keeps only a hash of it): store it now.

Options:
  --name NAME                       What users see, e.g. "Register trainee teachers".
  --client-id ID                    3 to 64 letters, digits, dots, dashes or underscores.
  --grant-types LIST                Comma-separated: ${grantTypes.join(", ")}.
  --scopes LIST                     Comma- or space-separated: ${knownScopes.join(", ")}.
  --redirect-uri URL                Where sign-in returns (authorization_code). Repeatable.
  --post-logout-redirect-uri URL    Where sign-out returns. Repeatable.
  --initiate-login-uri URL          Where a sign-in with a trn_token starts at the client.
  --id-token-alg ES256|RS256        How ID tokens for this client are signed (default ES256).
  --rate-limit N                    Requests a minute this client may make to each API (identity's,
                                    records'). Without it: the service's API_RATE_LIMIT (1000).
  --help                            Show this help.

URLs must be https:// and are matched exactly. http://localhost or http://127.0.0.1 is accepted
in development only (ENVIRONMENT=production refuses it).

Scopes users:read and users:write give the Users API (/api/v1/users); add phone to users:read for
phone numbers.

Example (an awarding service):
  teacher-id identity clients add --name "Register trainee teachers" --client-id register \\
    --grant-types client_credentials --scopes itt_outcome:write --rate-limit 3000`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        name: { type: "string" },
        "client-id": { type: "string" },
        "grant-types": { type: "string" },
        scopes: { type: "string" },
        "redirect-uri": { type: "string", multiple: true },
        "post-logout-redirect-uri": { type: "string", multiple: true },
        "initiate-login-uri": { type: "string" },
        "id-token-alg": { type: "string" },
        "rate-limit": { type: "string" },
      },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length) {
      io.err(`Unexpected argument '${positionals[0]}'. Run 'teacher-id identity clients add --help'.`);
      return 2;
    }
    const missing = (["name", "client-id", "grant-types", "scopes"] as const).filter((o) => !values[o]);
    if (missing.length) {
      io.err(`Missing ${missing.map((o) => `--${o}`).join(", ")}. Run 'teacher-id identity clients add --help'.`);
      return 2;
    }
    const config = loadIdentityConfig(io.env);
    const parsed = newClientSchemaFor(config.ENVIRONMENT).safeParse({
      clientId: values["client-id"],
      name: values.name,
      grantTypes: splitList(values["grant-types"]),
      scopes: splitList(values.scopes),
      redirectUris: values["redirect-uri"] ?? [],
      postLogoutRedirectUris: values["post-logout-redirect-uri"] ?? [],
      initiateLoginUri: values["initiate-login-uri"],
      idTokenSignedResponseAlg: values["id-token-alg"],
      rateLimit: values["rate-limit"],
    });
    if (!parsed.success) {
      const options: Record<string, string> = {
        clientId: "--client-id",
        name: "--name",
        grantTypes: "--grant-types",
        scopes: "--scopes",
        redirectUris: "--redirect-uri",
        postLogoutRedirectUris: "--post-logout-redirect-uri",
        initiateLoginUri: "--initiate-login-uri",
        idTokenSignedResponseAlg: "--id-token-alg",
        rateLimit: "--rate-limit",
      };
      for (const [field, messages] of Object.entries(fieldErrors(parsed.error))) {
        const option = options[field.split(".")[0]] ?? field;
        for (const message of new Set(messages)) io.err(`${option} ${message}`);
      }
      io.err("Nothing was changed.");
      return 2;
    }
    return withDatabase(io, async (db) => {
      try {
        const { client, secret } = createClient(db, parsed.data);
        io.out(`Registered client '${client.clientId}' (${client.name}).`);
        io.out(`client_id:     ${client.clientId}`);
        io.out(`client_secret: ${secret}`);
        io.out("The secret is shown only now: store it somewhere safe.");
        return 0;
      } catch (error) {
        if (error instanceof ClientExistsError) {
          io.err(`${error.message} Nothing was changed.`);
          return 2;
        }
        throw error;
      }
    });
  },
};

const listCommand: Command = {
  name: "list",
  summary: "List the registered clients (never their secrets)",
  help: `Usage: teacher-id identity clients list

Lists each client: its id, name, grant types, scopes and registered URLs.`,
  async run(args, io) {
    parseArgs({ args, options: {}, strict: true });
    return withDatabase(io, async (db) => {
      const clients = listClients(db);
      if (clients.length === 0) io.out("No clients are registered.");
      for (const client of clients) {
        io.out(`${client.clientId}  (${client.name})`);
        io.out(`  grant types:   ${client.grantTypes.join(", ")}`);
        io.out(`  scopes:        ${client.scopes.join(" ")}`);
        for (const uri of client.redirectUris) io.out(`  redirect URI:  ${uri}`);
        for (const uri of client.postLogoutRedirectUris) io.out(`  post-logout:   ${uri}`);
        if (client.initiateLoginUri) io.out(`  initiate login: ${client.initiateLoginUri}`);
        if (client.grantTypes.includes("authorization_code")) io.out(`  ID token alg:  ${client.idTokenSignedResponseAlg}`);
        io.out(`  rate limit:    ${client.rateLimit === null ? "API_RATE_LIMIT (the default)" : `${client.rateLimit} requests a minute`}`);
        io.out(`  created:       ${new Date(client.createdAt).toISOString()}`);
        if (client.secretRotatedAt) io.out(`  secret rotated: ${new Date(client.secretRotatedAt).toISOString()}`);
      }
      return 0;
    });
  },
};

function oneClientId(args: string[], io: CommandIO, usage: string): string | null {
  const { positionals } = parseArgs({ args, options: {}, strict: true, allowPositionals: true });
  if (positionals.length !== 1) {
    io.err(`${usage}\n\nGive exactly one client id.`);
    return null;
  }
  return positionals[0];
}

const removeCommand: Command = {
  name: "remove",
  summary: "Remove a client: it can no longer get tokens",
  help: `Usage: teacher-id identity clients remove CLIENT_ID

Removes the client. It can get no new tokens at once; access tokens it already holds expire
within ACCESS_TOKEN_TTL.`,
  async run(args, io) {
    const clientId = oneClientId(args, io, "Usage: teacher-id identity clients remove CLIENT_ID");
    if (!clientId) return 2;
    return withDatabase(io, async (db) => {
      if (!removeClient(db, clientId)) {
        io.err(`There is no client '${clientId}'. Nothing was changed.`);
        return 2;
      }
      io.out(`Removed client '${clientId}'.`);
      return 0;
    });
  },
};

const rotateSecretCommand: Command = {
  name: "rotate-secret",
  summary: "Give a client a new secret and print it (once)",
  help: `Usage: teacher-id identity clients rotate-secret CLIENT_ID

Replaces the client's secret with a new one and prints it. The old secret stops working at once.`,
  async run(args, io) {
    const clientId = oneClientId(args, io, "Usage: teacher-id identity clients rotate-secret CLIENT_ID");
    if (!clientId) return 2;
    return withDatabase(io, async (db) => {
      const secret = rotateClientSecret(db, clientId);
      if (!secret) {
        io.err(`There is no client '${clientId}'. Nothing was changed.`);
        return 2;
      }
      io.out(`New secret for '${clientId}' (the old one no longer works):`);
      io.out(`client_secret: ${secret}`);
      io.out("The secret is shown only now: store it somewhere safe.");
      return 0;
    });
  },
};

const setRateLimitCommand: Command = {
  name: "set-rate-limit",
  summary: "Change how many requests a minute a client may make to each API",
  help: `Usage: teacher-id identity clients set-rate-limit CLIENT_ID N|default

Sets the client's limit to N requests a minute, or back to the service's API_RATE_LIMIT with
"default". identity applies it at once; records applies it to tokens the client gets from now on
(the limit travels in the token's rate_limit claim), so within ACCESS_TOKEN_TTL.`,
  async run(args, io) {
    const { positionals } = parseArgs({ args, options: {}, strict: true, allowPositionals: true });
    if (positionals.length !== 2) {
      io.err("Usage: teacher-id identity clients set-rate-limit CLIENT_ID N|default\n\nGive a client id and a limit.");
      return 2;
    }
    const [clientId, given] = positionals;
    let limit: number | null = null;
    if (given !== "default") {
      const parsed = rateLimitSchema.safeParse(given);
      if (!parsed.success) {
        io.err(`The limit ${parsed.error.issues[0].message}, or "default". Nothing was changed.`);
        return 2;
      }
      limit = parsed.data;
    }
    return withDatabase(io, async (db) => {
      if (!setClientRateLimit(db, clientId, limit)) {
        io.err(`There is no client '${clientId}'. Nothing was changed.`);
        return 2;
      }
      io.out(`Client '${clientId}' may now make ${limit === null ? "API_RATE_LIMIT" : limit} requests a minute to each API.`);
      return 0;
    });
  },
};

const rotateKeysCommand: Command = {
  name: "rotate",
  summary: "Make new signing keys; old ones stay published until their tokens expire",
  help: `Usage: teacher-id identity keys rotate

Creates a new ES256 and RS256 signing key, encrypted with SIGNING_KEY_PASSPHRASE (give the one
serve uses; another stops the command, exit 78, before anything is written). New tokens are signed
with them at once (a running service notices without a restart). The old public keys stay in
/.well-known/jwks.json until every token they signed has expired (the longer of ACCESS_TOKEN_TTL
and ID_TOKEN_TTL, plus 5 minutes).`,
  async run(args, io) {
    parseArgs({ args, options: {}, strict: true });
    return withDatabase(io, async (db, config) => {
      const keepPublishedMs = Math.max(config.ACCESS_TOKEN_TTL, config.ID_TOKEN_TTL) + rotationMarginMs;
      // The same passphrase as serve's: a wrong one stops here (exit 78) before any key is written.
      const vault = await unlockKeyVault(db, signingKeyPassphrase(config));
      const fresh = await rotateSigningKeys(db, vault, { keepPublishedMs });
      for (const key of fresh) io.out(`New ${key.alg} signing key: kid ${key.kid}`);
      io.out(`Previous keys stay published until ${new Date(Date.now() + keepPublishedMs).toISOString()}.`);
      return 0;
    });
  },
};

const when = (at: number | null) => (at === null ? null : new Date(at).toISOString());

/** The lines for one account: contact details masked, no codes, tokens or secrets. */
function accountLines(account: AccountSummary): string[] {
  const verified = (yes: boolean) => (yes ? "verified" : "not verified");
  return [
    account.sub,
    `  email:         ${account.email} (${verified(account.emailVerified)})`,
    `  mobile:        ${account.phone ? `${account.phone} (${verified(account.phoneVerified)})` : "none"}`,
    `  TRN:           ${account.trn ?? "none"}`,
    `  created:       ${when(account.createdAt)}`,
    `  last sign-in:  ${when(account.lastSignedInAt) ?? "none recorded"}`,
  ];
}

const defaultAccountLimit = 50;

const listAccountsCommand: Command = {
  name: "list",
  summary: "List accounts, newest first (contact details masked)",
  help: `Usage: teacher-id identity accounts list [--trn TRN] [--email EMAIL] [--limit N]

Lists Teacher ID accounts, newest first: each one's sub (the account id in its tokens), its email
address and mobile number masked, its TRN, when it was created and when it last signed in. Never a
code, token or secret.

Options:
  --trn TRN        Only the account holding this TRN (7 digits).
  --email EMAIL    Only the account with this email address (any case).
  --limit N        Show at most N accounts (default ${defaultAccountLimit}).
  --help           Show this help.

Example:
  teacher-id identity accounts list --trn 1234567`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: { trn: { type: "string" }, email: { type: "string" }, limit: { type: "string" } },
      strict: true,
      allowPositionals: true,
    });
    const usage = "Run 'teacher-id identity accounts list --help'.";
    if (positionals.length) {
      io.err(`Unexpected argument '${positionals[0]}'. ${usage}`);
      return 2;
    }
    if (values.trn !== undefined && !/^[0-9]{7}$/.test(values.trn)) {
      io.err(`--trn must be 7 digits. ${usage}`);
      return 2;
    }
    if (values.email !== undefined && !values.email.includes("@")) {
      io.err(`--email must be an email address. ${usage}`);
      return 2;
    }
    const limit = values.limit === undefined ? defaultAccountLimit : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) {
      io.err(`--limit must be a whole number of at least 1. ${usage}`);
      return 2;
    }
    return withDatabase(io, async (db) => {
      const found = findAccountSummaries(db, { trn: values.trn, email: values.email, limit });
      if (found.total === 0) {
        io.out(values.trn || values.email ? "No account matches." : "There are no accounts.");
        return 0;
      }
      for (const account of found.accounts) io.out(accountLines(account).join("\n"));
      if (found.total > found.accounts.length) {
        io.out(`Showing the newest ${found.accounts.length} of ${found.total} accounts (--limit to see more).`);
      }
      return 0;
    });
  },
};

const showAccountCommand: Command = {
  name: "show",
  summary: "Show one account by its sub (contact details masked)",
  help: `Usage: teacher-id identity accounts show SUB

Shows one account: its email address and mobile number masked, its TRN, when it was created, when
it last signed in, and how many Teacher ID sessions it has open now. SUB is the account id, the
\`sub\` of its tokens (see 'teacher-id identity accounts list'). Never a code, token or secret.`,
  async run(args, io) {
    const { positionals } = parseArgs({ args, options: {}, strict: true, allowPositionals: true });
    if (positionals.length !== 1) {
      io.err("Usage: teacher-id identity accounts show SUB\n\nGive exactly one account id (sub).");
      return 2;
    }
    return withDatabase(io, async (db) => {
      const account = accountSummary(db, positionals[0]);
      if (!account) {
        io.err(`There is no account '${positionals[0]}'.`);
        return 1;
      }
      io.out([...accountLines(account), `  open sessions: ${account.liveSessions}`].join("\n"));
      return 0;
    });
  },
};

const defaultEventLimit = 200;

const listEventsCommand: Command = {
  name: "list",
  summary: "Show the audit log, oldest first (values masked, never a secret)",
  help: `Usage: teacher-id identity events list [--user SUB] [--type T] [--since ISO-TIME] [--actor A] [--limit N]

Shows identity's audit log, oldest first: one line per event with its id, time, type, actor,
subject and payload (JSON). Values in payloads are masked; no code, token or secret is ever stored.

Options:
  --user SUB          Only events about this account (its sub). Events not about one account have
                      subjects such as trn:1234567, client:ID or identity.
  --type T            Only this type: ${eventTypes.join(", ")}.
  --since ISO-TIME    Only events at or after this time, e.g. 2025-01-31T09:00:00Z.
  --actor A           Only events by this actor, e.g. account:SUB, client:ID, staff:ID (the support console),
                      operator:cli, system:identity.
  --limit N           Show at most N events (default ${defaultEventLimit}).
  --help              Show this help.

Example:
  teacher-id identity events list --type UserRegistered --since 2025-01-31T00:00:00Z`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: { user: { type: "string" }, type: { type: "string" }, since: { type: "string" }, actor: { type: "string" }, limit: { type: "string" } },
      strict: true,
      allowPositionals: true,
    });
    const usage = "Run 'teacher-id identity events list --help'.";
    if (positionals.length) {
      io.err(`Unexpected argument '${positionals[0]}'. ${usage}`);
      return 2;
    }
    if (values.type !== undefined && !(eventTypes as readonly string[]).includes(values.type)) {
      io.err(`--type must be one of ${eventTypes.join(", ")}. ${usage}`);
      return 2;
    }
    const since = values.since === undefined ? undefined : Date.parse(values.since);
    if (since !== undefined && Number.isNaN(since)) {
      io.err(`--since must be a date and time, e.g. 2025-01-31T09:00:00Z. ${usage}`);
      return 2;
    }
    const limit = values.limit === undefined ? defaultEventLimit : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) {
      io.err(`--limit must be a whole number of at least 1. ${usage}`);
      return 2;
    }
    return withDatabase(io, async (db) => {
      const found = listEvents(db, { subject: values.user, type: values.type, actor: values.actor, since, limit });
      if (found.length === 0) {
        io.out("No event matches.");
        return 0;
      }
      for (const event of found) {
        io.out(`${event.id}  ${new Date(event.time).toISOString()}  ${event.type}  by ${event.actor}  about ${event.subject}  ${JSON.stringify(event.payload)}`);
      }
      if (found.length === limit) io.out(`Showing the first ${limit} (--limit or --since to see more).`);
      return 0;
    });
  },
};

/** Opens the database and the key vault (webhook secrets are encrypted with it). */
function withVault<T>(io: CommandIO, run: (db: IdentityDatabaseFile, key: Buffer, config: IdentityConfig) => Promise<T>): Promise<T> {
  return withDatabase(io, async (db, config) => run(db, (await unlockKeyVault(db, signingKeyPassphrase(config))).webhookSecretKey, config));
}

const addWebhookCommand: Command = {
  name: "add",
  summary: "Add a webhook subscriber and print its signing secret (once)",
  help: `Usage: teacher-id identity webhooks add --url URL --events LIST [--secret whsec_...]

Adds a subscriber: identity POSTs each event of the listed types to URL, signed as the Standard
Webhooks specification says (webhook-id, webhook-timestamp, webhook-signature: v1,<base64
HMAC-SHA256>), in event order, retrying with backoff for up to 3 days. A subscriber failing for a
day is disabled ('webhooks list' shows it; 'webhooks enable ID' enables it again and re-sends
what it missed).

Options:
  --url URL          https:// in production, to a host that resolves to no loopback, link-local or
                     private address. http:// and localhost are allowed in development.
  --events LIST      Comma-separated: ${eventTypes.join(", ")}.
  --secret whsec_..  Use this signing secret (whsec_ and base64 of 24 to 64 bytes) instead of a new one.
  --help             Show this help.`,
  async run(args, io) {
    const { values } = parseArgs({ args, options: { url: { type: "string" }, events: { type: "string" }, secret: { type: "string" } }, strict: true });
    const usage = "Run 'teacher-id identity webhooks add --help'.";
    const types = splitList(values.events);
    const unknown = types.filter((t) => !(eventTypes as readonly string[]).includes(t));
    if (!values.url || types.length === 0) {
      io.err(`--url and --events are required. ${usage}`);
      return 2;
    }
    if (unknown.length) {
      io.err(`Unknown event type ${unknown.join(", ")}: use ${eventTypes.join(", ")}. ${usage}`);
      return 2;
    }
    if (values.secret !== undefined && !isWebhookSecret(values.secret)) {
      io.err(`--secret must be whsec_ followed by base64 of 24 to 64 bytes. ${usage}`);
      return 2;
    }
    return withVault(io, async (db, key, config) => {
      const problem = await webhookUrlProblem(values.url!, config.ENVIRONMENT);
      if (problem) {
        io.err(`${problem}. ${usage}`);
        return 2;
      }
      const { subscription, secret } = addSubscription(db, key, { url: values.url!, events: types, secret: values.secret });
      io.out(`Webhook subscriber ${subscription.id} added: ${subscription.url} (${subscription.events})`);
      io.out(`secret: ${secret}`);
      io.out("Store the secret now: it is not shown again.");
      return 0;
    });
  },
};

const listWebhooksCommand: Command = {
  name: "list",
  summary: "List webhook subscribers (never their secrets)",
  help: `Usage: teacher-id identity webhooks list

Lists each subscriber: its id, URL, event types, when it was added, and whether it is failing
(since when) or disabled.`,
  async run(args, io) {
    parseArgs({ args, options: {}, strict: true });
    return withDatabase(io, async (db) => {
      const all = listSubscriptions(db);
      if (all.length === 0) io.out("There are no webhook subscribers.");
      for (const s of all) {
        const state = s.disabledAt !== null ? `DISABLED since ${when(s.disabledAt)}` : s.failingSince !== null ? `failing since ${when(s.failingSince)}` : "active";
        io.out(`${s.id}  ${s.url}  ${s.events}  added ${when(s.createdAt)}  ${state}`);
      }
      return 0;
    });
  },
};

function webhookIdCommand(name: string, summary: string, help: string, act: (db: IdentityDatabaseFile, key: Buffer, id: string, io: CommandIO) => boolean): Command {
  return {
    name,
    summary,
    help,
    async run(args, io) {
      const { positionals } = parseArgs({ args, options: {}, strict: true, allowPositionals: true });
      if (positionals.length !== 1) {
        io.err(`${help.split("\n")[0]}\n\nGive exactly one subscriber id (see 'teacher-id identity webhooks list').`);
        return 2;
      }
      return withVault(io, async (db, key) => {
        if (act(db, key, positionals[0]!, io)) return 0;
        io.err(`There is no webhook subscriber '${positionals[0]}'.`);
        return 1;
      });
    },
  };
}

const removeWebhookCommand = webhookIdCommand(
  "remove",
  "Remove a webhook subscriber; deliveries waiting for it are dropped",
  "Usage: teacher-id identity webhooks remove ID\n\nRemoves the subscriber. Deliveries still waiting for it fail at once (no more retries).",
  (db, _key, id, io) => {
    if (!removeSubscription(db, id)) return false;
    io.out(`Webhook subscriber ${id} removed.`);
    return true;
  },
);

const rotateWebhookSecretCommand = webhookIdCommand(
  "rotate-secret",
  "Give a webhook subscriber a new signing secret",
  "Usage: teacher-id identity webhooks rotate-secret ID\n\nMakes and prints a new signing secret; the old one stops at once. A disabled subscriber stays disabled ('webhooks enable ID').",
  (db, key, id, io) => {
    const secret = rotateSubscriptionSecret(db, key, id);
    if (!secret) return false;
    io.out(`secret: ${secret}`);
    io.out("Store the secret now: it is not shown again.");
    return true;
  },
);

const testWebhookCommand = webhookIdCommand(
  "test",
  "Send a Ping to a webhook subscriber (through the outbox of the running service)",
  "Usage: teacher-id identity webhooks test ID\n\nQueues a signed Ping event for the subscriber; the running service sends it within a second.",
  (db, _key, id, io) => {
    if (!findSubscription(db, id)) return false;
    enqueueMessage(db, { kind: webhookKind, payload: { subscriptionId: id, eventId: 0, ping: true } });
    io.out(`A Ping for ${id} is queued.`);
    return true;
  },
);

// `teacher-id identity staff ...`: who may use the support console, run on the VM (the first admin
// is added this way). Each change is a StaffChanged event by `operator:cli`.
type WithDatabase = <T>(io: CommandIO, run: (db: IdentityDatabaseFile) => Promise<T>) => Promise<T>;

/** A staff member by id or email address. */
const findStaff = (db: IdentityDatabaseFile, idOrEmail: string): StaffRow | undefined =>
  idOrEmail.includes("@") ? findStaffByEmail(db, idOrEmail) : findStaffById(db, idOrEmail);

export function staffCommands(withDatabase: WithDatabase): Command[] {
  const add: Command = {
    name: "add",
    summary: "Let someone sign in to the support console (/admin)",
    help: `Usage: teacher-id identity staff add --email EMAIL --role support|admin

Adds a member of staff. They sign in at {IDENTITY_URL}/admin with a code emailed to EMAIL, then
set up an authenticator app (TOTP) at their first sign-in.

Roles:
  support   find teachers, change their email or mobile, block and unblock accounts
  admin     support, plus clients, webhooks, staff and signing keys`,
    async run(args, io) {
      const { values } = parseArgs({ args, options: { email: { type: "string" }, role: { type: "string" } }, strict: true });
      if (!values.email || !values.role) {
        io.err("Missing --email or --role. Run 'teacher-id identity staff add --help'.");
        return 2;
      }
      if (!isPlausibleEmail(values.email.trim().toLowerCase())) {
        io.err(`--email '${values.email}' is not an email address. Nothing was changed.`);
        return 2;
      }
      const role = values.role;
      if (!isStaffRole(role)) {
        io.err(`--role must be support or admin, not '${values.role}'. Nothing was changed.`);
        return 2;
      }
      return withDatabase(io, async (db) => {
        try {
          const member = addStaff(db, { email: values.email!, role });
          io.out(`Added ${member.email} as ${member.role} (id ${member.id}). They sign in at /admin.`);
          return 0;
        } catch (error) {
          if (!(error instanceof StaffExistsError)) throw error;
          io.err(`${error.message}. Nothing was changed.`);
          return 1;
        }
      });
    },
  };
  const list: Command = {
    name: "list",
    summary: "List the support console's staff",
    help: "Usage: teacher-id identity staff list\n\nOne line per staff member: id, email, role, and whether they have set up their authenticator app.",
    async run(args, io) {
      parseArgs({ args, options: {}, strict: true });
      return withDatabase(io, async (db) => {
        const all = listStaff(db);
        if (all.length === 0) io.out("There are no staff. Add the first admin with 'teacher-id identity staff add --email EMAIL --role admin'.");
        for (const s of all) io.out(`${s.id}  ${s.email}  ${s.role}  ${s.totpEnrolledAt ? "authenticator set up" : "authenticator not set up"}`);
        return 0;
      });
    },
  };
  const oneStaff = (name: string, summary: string, help: string, act: (db: IdentityDatabaseFile, member: StaffRow, io: CommandIO, extra: string | undefined) => number, options: { role?: boolean } = {}): Command => ({
    name,
    summary,
    help,
    async run(args, io) {
      const { values, positionals } = parseArgs({ args, options: options.role ? { role: { type: "string" } } : {}, strict: true, allowPositionals: true });
      if (positionals.length !== 1) {
        io.err(`${help.split("\n")[0]}\n\nGive exactly one staff id or email address (see 'teacher-id identity staff list').`);
        return 2;
      }
      const role = (values as { role?: string }).role;
      if (options.role && !isStaffRole(role)) {
        io.err(`--role must be support or admin. Nothing was changed.`);
        return 2;
      }
      return withDatabase(io, async (db) => {
        const member = findStaff(db, positionals[0]!);
        if (!member) {
          io.err(`There is no staff member '${positionals[0]}'.`);
          return 1;
        }
        return act(db, member, io, role);
      });
    },
  });
  const remove = oneStaff("remove", "Remove a staff member (their console sessions end)", "Usage: teacher-id identity staff remove ID|EMAIL\n\nRemoves the staff member; their console sessions end at once.", (db, member, io) => {
    removeStaff(db, member.id);
    io.out(`Removed ${member.email}.`);
    return 0;
  });
  const setRole = oneStaff(
    "set-role",
    "Make a staff member support or admin",
    "Usage: teacher-id identity staff set-role ID|EMAIL --role support|admin\n\nThe new role counts from the staff member's next request.",
    (db, member, io, role) => {
      setStaffRole(db, member.id, role as "support" | "admin");
      io.out(`${member.email} is now ${role}.`);
      return 0;
    },
    { role: true },
  );
  const reset = oneStaff(
    "reset-totp",
    "Forget a staff member's authenticator app (lost phone)",
    "Usage: teacher-id identity staff reset-totp ID|EMAIL\n\nTheir authenticator app and recovery codes stop working and their sessions end; they set up a new app at their next sign-in.",
    (db, member, io) => {
      resetTotp(db, member.id);
      io.out(`${member.email} sets up a new authenticator app at their next sign-in.`);
      return 0;
    },
  );
  return [add, list, remove, setRole, reset];
}

const enableWebhookCommand: Command = {
  name: "enable",
  summary: "Enable a disabled webhook subscriber and re-send what it missed",
  help: `Usage: teacher-id identity webhooks enable ID

A subscriber that gave no 2xx for a day is disabled ('webhooks list' shows DISABLED). Once it is
fixed (check with 'webhooks test ID'), this enables it: its deliveries that failed in the last
OUTBOX_MAX_AGE (3 days) are due again, the events of its types recorded while it was disabled are
queued for it, and the running service sends them all, once each, in event order.`,
  async run(args, io) {
    const { positionals } = parseArgs({ args, options: {}, strict: true, allowPositionals: true });
    if (positionals.length !== 1) {
      io.err("Usage: teacher-id identity webhooks enable ID\n\nGive exactly one subscriber id (see 'teacher-id identity webhooks list').");
      return 2;
    }
    return withDatabase(io, async (db, config) => {
      const queued = enableSubscription(db, positionals[0]!, config.OUTBOX_MAX_AGE);
      if (queued === null) {
        io.err(`There is no webhook subscriber '${positionals[0]}'.`);
        return 1;
      }
      io.out(`Webhook subscriber ${positionals[0]} enabled; ${queued} deliver${queued === 1 ? "y" : "ies"} queued.`);
      return 0;
    });
  },
};

export const identityCommands = commandGroup("identity", "Operate the identity service", [
  commandGroup("clients", "Register and manage OAuth clients", [addClient, listCommand, removeCommand, rotateSecretCommand, setRateLimitCommand]),
  commandGroup("accounts", "Find Teacher ID accounts (contact details masked)", [listAccountsCommand, showAccountCommand]),
  commandGroup("keys", "Manage token-signing keys", [rotateKeysCommand]),
  commandGroup("events", "Read identity's audit log", [listEventsCommand]),
  commandGroup("webhooks", "Manage webhook subscribers (Standard Webhooks)", [addWebhookCommand, listWebhooksCommand, removeWebhookCommand, rotateWebhookSecretCommand, testWebhookCommand, enableWebhookCommand]),
  commandGroup("staff", "Manage who may use the support console (/admin)", staffCommands((io, run) => withDatabase(io, (db) => run(db)))),
]);
