// Issue 11 "Close the holes a security review found", item 8 (data files world-readable, private
// keys in clear) and the info items about data at rest (security-code hashes, secrets left in
// the -wal file, http://localhost clients in production). Each test attacks or inspects the built
// binary (dist/teacher-id) as an operator runs it: its files, its exit codes, its HTTP answers.
import { afterAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { createHash, generateKeyPairSync } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { calculateJwkThumbprint, decodeProtectedHeader, importJWK, jwtVerify, type JWK } from "jose";
import { loadServeConfig } from "../../src/cli/configuration";
import { readProvisionedSecrets } from "../../src/config/internal-clients";
import { insertAccount } from "../../src/identity/accounts/accounts";
import { openIdentityDatabase } from "../../src/identity/db/database";
import { binaryInFreshDir, startServeProcess } from "../helpers/binary";
import { Browser, authorize, emailedCode, redeem } from "../helpers/identity-journey";
import { serveBinary, type ServedBinary } from "../helpers/served-binary";
import { startSmtpServer } from "../helpers/smtp";
import { testEnv, type TestSystem } from "../helpers/system";

const smtp = await startSmtpServer();
const scratch = mkdtempSync(join(tmpdir(), "teacher-id-security-data-"));
const running: ServedBinary[] = [];
const children: Subprocess[] = [];
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  for (const served of running) await served.stop();
  await smtp.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function serve(options: Parameters<typeof serveBinary>[0] = {}): Promise<ServedBinary> {
  const served = await serveBinary(options);
  running.push(served);
  return served;
}

const passphrase = "correct horse battery staple 8";
const mode = (path: string) => statSync(path).mode & 0o777;
const octal = (m: number) => `0${m.toString(8)}`;

/** Every file under `dir` (recursively) with its mode, as "path 0600". */
function modesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => `${join(entry.parentPath, entry.name).slice(dir.length + 1)} ${octal(mode(join(entry.parentPath, entry.name)))}`)
    .sort();
}

/** The files among `paths` that contain `needle` anywhere in their bytes. */
function filesContaining(paths: string[], needle: string): string[] {
  return paths.filter((path) => existsSync(path) && readFileSync(path).includes(Buffer.from(needle)));
}
const identityFiles = (dataDir: string) => ["identity.sqlite", "identity.sqlite-wal"].map((f) => join(dataDir, f));

/** A client-credentials token for records' internal client (its secret is in DATA_DIR). */
async function machineToken(identityUrl: string, dataDir: string): Promise<string> {
  const { clientId, clientSecret } = readProvisionedSecrets({ ENVIRONMENT: "development", DATA_DIR: dataDir }).records!;
  const response = await fetch(`${identityUrl}/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", scope: "trn_token:write", client_id: clientId, client_secret: clientSecret }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (response.status !== 200 || !body.access_token) throw new Error(`POST /token: ${response.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

async function jwksKids(identityUrl: string): Promise<{ kid: string; alg: string }[]> {
  const { keys } = (await (await fetch(`${identityUrl}/.well-known/jwks.json`)).json()) as { keys: { kid: string; alg: string }[] };
  return keys.map(({ kid, alg }) => ({ kid, alg }));
}

/** Starts `serve` again in a served binary's directory (same data, same ports). */
async function restart(served: ServedBinary, env: Record<string, string> = {}): Promise<Subprocess> {
  const child = await startServeProcess([served.binary, "serve"], { cwd: served.dir, env: { ...served.env, ...env } });
  children.push(child.process);
  return child.process;
}

async function stopChild(child: Subprocess): Promise<void> {
  child.kill("SIGTERM");
  await child.exited;
}

/** Runs a command that should exit by itself; a server that keeps running counts as not exiting (null). */
function runToExit(binary: string, args: string[], cwd: string, env: Record<string, string>) {
  const result = Bun.spawnSync([binary, ...args], { cwd, env: { PATH: process.env.PATH ?? "", ...env }, timeout: 20_000 });
  return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

describe("item 8: data files", () => {
  for (const umask of [0o022, 0o000]) {
    test(`item 8: DATA_DIR is 0700 and every file in it 0600, whatever the umask (umask ${octal(umask).padStart(4, "0")}), backups too`, async () => {
      const previous = process.umask(umask); // inherited by the binary and its commands
      try {
        const served = await serve({ env: { SMTP_URL: smtp.url, SIGNING_KEY_PASSPHRASE: passphrase } });
        // A write after start, so every -wal file exists.
        await machineToken(served.urls.identity, served.dataDir);
        const backupDir = join(scratch, `backup-umask-${umask}`);
        const backup = served.run(["backup", "--to", backupDir]);
        expect(backup.stderr).toBe("");
        expect(backup.code).toBe(0);

        expect(octal(mode(served.dataDir))).toBe("0700");
        const files = modesUnder(served.dataDir);
        expect(files).toContain("identity.sqlite 0600");
        expect(files).toContain("identity.sqlite-wal 0600");
        expect(files).toContain("identity.sqlite-shm 0600");
        expect(files).toContain("records.sqlite-wal 0600");
        expect(files).toContain("internal-client-secrets.json 0600");
        expect(files.filter((f) => !f.endsWith(" 0600"))).toEqual([]);

        expect(octal(mode(backupDir))).toBe("0700");
        const copies = modesUnder(backupDir);
        expect(copies).toEqual([
          "access.sqlite 0600",
          "identity.sqlite 0600",
          "internal-client-secrets.json 0600",
          "records.sqlite 0600",
        ]);
      } finally {
        process.umask(previous);
      }
    }, 30_000);
  }

  test("item 8: a data dir or file readable by others is reported at start-up (JSON warning on stderr) and tightened", async () => {
    const served = await serve({
      env: { SIGNING_KEY_PASSPHRASE: passphrase },
      // As an older version left it: databases 0644 in a 0755 directory.
      beforeStart: (run, dir) => {
        expect(run(["migrate"]).code).toBe(0);
        const data = join(dir, "data");
        chmodSync(data, 0o755);
        for (const file of readdirSync(data)) chmodSync(join(data, file), 0o644);
        writeFileSync(join(data, "notes.txt"), "left here by an operator\n", { mode: 0o666 });
        chmodSync(join(data, "notes.txt"), 0o666);
      },
    });
    const warnings = served
      .stderr()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { level: string; event: string; path: string; was: string; now: string })
      .filter((entry) => entry.event === "data_permissions_tightened");
    expect(warnings.every((w) => w.level === "warn")).toBe(true);
    const byPath = Object.fromEntries(warnings.map((w) => [w.path.slice(served.dir.length + 1), `${w.was} -> ${w.now}`]));
    expect(byPath).toMatchObject({
      data: "0755 -> 0700",
      "data/identity.sqlite": "0644 -> 0600",
      "data/records.sqlite": "0644 -> 0600",
      "data/access.sqlite": "0644 -> 0600",
      "data/notes.txt": "0666 -> 0600",
    });
    expect(octal(mode(served.dataDir))).toBe("0700");
    expect(modesUnder(served.dataDir).filter((f) => !f.endsWith(" 0600"))).toEqual([]);
  }, 30_000);
});

describe("item 8: private signing keys are encrypted with SIGNING_KEY_PASSPHRASE", () => {
  let served: ServedBinary;

  test("item 8: identity.sqlite and its -wal hold no private JWK member (\"d\":) once both keys are made", async () => {
    served = await serve({ env: { SIGNING_KEY_PASSPHRASE: passphrase } });
    // The RS256 key is made in the background; the JWKS waits for it.
    expect((await jwksKids(served.urls.identity)).map((k) => k.alg).sort()).toEqual(["ES256", "RS256"]);
    const token = await machineToken(served.urls.identity, served.dataDir);
    expect(decodeProtectedHeader(token).alg).toBe("ES256");
    expect(existsSync(join(served.dataDir, "identity.sqlite-wal"))).toBe(true);
    for (const member of ['"d":"', '"dp":"', '"qi":"']) expect(filesContaining(identityFiles(served.dataDir), member)).toEqual([]);
  }, 30_000);

  test("item 8: a wrong SIGNING_KEY_PASSPHRASE stops start-up: exit 78, a message naming the setting, no stack trace", async () => {
    served.process.kill("SIGTERM");
    expect(await served.process.exited).toBe(0);
    const wrong = runToExit(served.binary, ["serve"], served.dir, { ...served.env, SIGNING_KEY_PASSPHRASE: "not the passphrase at all" });
    expect(wrong.code).toBe(78);
    expect(wrong.stderr).toContain("SIGNING_KEY_PASSPHRASE");
    expect(wrong.stderr).toContain("not the passphrase identity.sqlite was set up with");
    expect(wrong.stderr).not.toContain("not the passphrase at all"); // never echoed
    expect(wrong.stderr).not.toMatch(/\n\s+at /);
    // Nor does `identity keys rotate` write a key with it.
    const rows = () => {
      const db = new Database(join(served.dataDir, "identity.sqlite"), { readonly: true });
      try {
        return db.query("SELECT kid FROM signing_keys ORDER BY kid").all();
      } finally {
        db.close();
      }
    };
    const before = rows();
    const rotate = runToExit(served.binary, ["identity", "keys", "rotate"], served.dir, { ...served.env, SIGNING_KEY_PASSPHRASE: "not the passphrase at all" });
    expect(rotate.code).toBe(78);
    expect(rotate.stderr).toContain("SIGNING_KEY_PASSPHRASE");
    expect(rows()).toEqual(before);
  }, 30_000);

  test("item 8: `identity keys rotate` with the passphrase works, and after a restart the new key signs", async () => {
    const child = await restart(served);
    const oldKid = decodeProtectedHeader(await machineToken(served.urls.identity, served.dataDir)).kid;
    const rotated = served.run(["identity", "keys", "rotate"]);
    expect(rotated.code).toBe(0);
    const newKid = /New ES256 signing key: kid (\S+)/.exec(rotated.stdout)?.[1];
    expect(newKid).toBeDefined();
    expect(newKid).not.toBe(oldKid);
    await stopChild(child);

    const again = await restart(served);
    const token = await machineToken(served.urls.identity, served.dataDir);
    expect(decodeProtectedHeader(token).kid).toBe(newKid);
    const kids = (await jwksKids(served.urls.identity)).map((k) => k.kid);
    expect(kids).toContain(oldKid!); // still published until its tokens expire
    expect(kids).toContain(newKid!);
    for (const member of ['"d":"', '"dp":"']) expect(filesContaining(identityFiles(served.dataDir), member)).toEqual([]);

    // A backup, restored into a new directory with the same passphrase, starts and signs with the same key.
    const backupDir = join(scratch, "backup-keys");
    expect(served.run(["backup", "--to", backupDir]).code).toBe(0);
    await stopChild(again);
    const restoreInto = (dir: string) => {
      mkdirSync(join(dir, "data"), { recursive: true });
      for (const file of readdirSync(backupDir)) copyFileSync(join(backupDir, file), join(dir, "data", file));
    };
    const elsewhere = binaryInFreshDir();
    restoreInto(elsewhere.dir);
    const { env } = testEnv({ dataDir: join(elsewhere.dir, "data") });
    const refused = runToExit(elsewhere.binary, ["serve"], elsewhere.dir, { ...env, SIGNING_KEY_PASSPHRASE: "another passphrase entirely" });
    rmSync(elsewhere.dir, { recursive: true, force: true });
    expect(refused.code).toBe(78);
    expect(refused.stderr).toContain("SIGNING_KEY_PASSPHRASE");

    const restored = await serve({ env: { SIGNING_KEY_PASSPHRASE: passphrase }, beforeStart: (_run, dir) => restoreInto(dir) });
    const fromBackup = await machineToken(restored.urls.identity, restored.dataDir);
    expect(decodeProtectedHeader(fromBackup).kid).toBe(newKid);
  }, 60_000);

  test("item 8: plain-JWK keys in an older database are encrypted on the first start with a passphrase, and keep signing", async () => {
    // Keys as the previous version stored them: the private JWK as plain JSON.
    const pairs = {
      ES256: generateKeyPairSync("ec", { namedCurve: "P-256" }),
      RS256: generateKeyPairSync("rsa", { modulusLength: 2048 }),
    };
    const legacy: { kid: string; alg: string; privateJwk: JWK; publicJwk: JWK }[] = [];
    for (const [alg, pair] of Object.entries(pairs)) {
      const publicJwk = pair.publicKey.export({ format: "jwk" }) as JWK;
      const kid = await calculateJwkThumbprint(publicJwk);
      legacy.push({ kid, alg, privateJwk: { ...(pair.privateKey.export({ format: "jwk" }) as JWK), kid, alg }, publicJwk: { ...publicJwk, kid, alg, use: "sig" } });
    }
    const old = await serve({
      env: { SIGNING_KEY_PASSPHRASE: passphrase },
      beforeStart: (run, dir) => {
        expect(run(["migrate"]).code).toBe(0);
        const db = new Database(join(dir, "data", "identity.sqlite"));
        const insert = db.query("INSERT INTO signing_keys (kid, alg, private_jwk, public_jwk, created_at) VALUES (?, ?, ?, ?, ?)");
        for (const key of legacy) insert.run(key.kid, key.alg, JSON.stringify(key.privateJwk), JSON.stringify(key.publicJwk), Date.now());
        db.close();
        expect(filesContaining(identityFiles(join(dir, "data")), legacy[0].privateJwk.d!)).not.toEqual([]);
      },
    });
    const es256 = legacy.find((k) => k.alg === "ES256")!;
    const token = await machineToken(old.urls.identity, old.dataDir);
    expect(decodeProtectedHeader(token).kid).toBe(es256.kid);
    await jwtVerify(token, await importJWK(es256.publicJwk, "ES256"), { issuer: old.urls.identity });
    expect((await jwksKids(old.urls.identity)).map((k) => k.kid).sort()).toEqual(legacy.map((k) => k.kid).sort());
    for (const key of legacy) {
      for (const part of [key.privateJwk.d!, key.privateJwk.p, key.privateJwk.q].filter(Boolean) as string[]) {
        expect(filesContaining(identityFiles(old.dataDir), part)).toEqual([]);
      }
    }
    expect(filesContaining(identityFiles(old.dataDir), '"d":"')).toEqual([]);
    expect(old.logs().find((line) => line.event === "signing_keys_encrypted")).toMatchObject({ level: "info", keys: 2 });
  }, 30_000);

  test("item 8: ENVIRONMENT=production without SIGNING_KEY_PASSPHRASE exits 78 naming it", () => {
    const { dir, binary } = binaryInFreshDir();
    const { env } = testEnv({ dataDir: join(dir, "data") });
    const production = {
      ...env,
      ENVIRONMENT: "production",
      IDENTITY_URL: "https://id.example.gov.uk",
      RECORDS_URL: "https://records.example.gov.uk",
      ACCESS_URL: "https://access.example.gov.uk",
      SMTP_URL: smtp.url,
    };
    const result = runToExit(binary, ["serve"], dir, production);
    rmSync(dir, { recursive: true, force: true });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain("SIGNING_KEY_PASSPHRASE is required when ENVIRONMENT=production");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});

describe("info: secrets at rest", () => {
  test("info: a security code is stored as an HMAC, not sha256(code): a brute force of all 6-digit codes finds nothing", async () => {
    const served = await serve({ env: { SMTP_URL: smtp.url, SIGNING_KEY_PASSPHRASE: passphrase } });
    const email = "hmac-check@example.com";
    const db = openIdentityDatabase(served.dataDir);
    insertAccount(db, { email, phoneNumber: null, givenName: "Hana", familyName: "Mac", preferredName: "Hana Mac", birthdate: "1990-01-01", trn: null });
    const system = { config: Object.assign({}, ...Object.values(loadServeConfig(served.env, ["identity", "records", "access"]).services)), urls: served.urls, dataDir: served.dataDir } as unknown as TestSystem;
    const browser = new Browser(served.urls.identity);
    const auth = await authorize(system, browser, { scope: "openid email" });
    const sent = Date.now();
    await browser.post("/sign-in", { email });
    const code = await emailedCode(smtp, email, sent);
    const stored = (db.$client.query("SELECT code_hash FROM security_codes WHERE destination = ?").get(email) as { code_hash: string }).code_hash;
    db.$client.close();

    const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
    expect(stored).not.toBe(sha256(code));
    // The attack: hash every 6-digit code and look the stored value up (about a second).
    let reversed: string | undefined;
    for (let n = 0; n < 1_000_000 && !reversed; n++) {
      const guess = String(n).padStart(6, "0");
      if (sha256(guess) === stored) reversed = guess;
    }
    expect(reversed).toBeUndefined();
    // And the code still works.
    await browser.post("/sign-in/code", { code });
    const { idToken } = await redeem(system, browser, auth);
    expect(idToken.email).toBe(email);
  }, 60_000);

  test("info: after an invitation is sent, its link's token is in no byte of records.sqlite or records.sqlite-wal", async () => {
    const trn = "7100001";
    const to = "wal-check@example.com";
    const served = await serve({
      env: { SMTP_URL: smtp.url, SIGNING_KEY_PASSPHRASE: passphrase },
      beforeStart: (run, dir) => {
        const csv = join(dir, "teachers.csv");
        writeFileSync(
          csv,
          "trn,first_name,last_name,date_of_birth,email,itt_provider_ukprn,itt_provider_name,itt_result\n" +
            `${trn},Wally,Checkpoint,1990-01-01,${to},10000001,Checkpoint Provider,InTraining\n`,
        );
        const imported = run(["records", "import", csv]);
        if (imported.code !== 0) throw new Error(imported.stderr);
      },
    });
    const secret = /client_secret:\s+(\S+)/.exec(served.stderr())![1];
    const tokenResponse = await fetch(`${served.urls.identity}/token`, {
      method: "POST",
      headers: { authorization: `Basic ${btoa(`demo-awarding-service:${secret}`)}`, "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials&scope=itt_outcome%3Awrite",
    });
    const { access_token } = (await tokenResponse.json()) as { access_token: string };
    const pass = await fetch(`${served.urls.records}/v2/teachers/${trn}/itt-outcome?birthdate=1990-01-01`, {
      method: "PUT",
      headers: { authorization: `Bearer ${access_token}`, "content-type": "application/json" },
      body: JSON.stringify({ ittProviderUkprn: "10000001", outcome: "Pass", assessmentDate: "2026-07-01" }),
    });
    expect(pass.status).toBe(200);
    const email = await smtp.waitForMessage(to, { timeoutMs: 15_000 });
    const token = new URL(/https?:\/\/\S+\/register\?trn_token=\S+/.exec(email.text)![0]).searchParams.get("trn_token")!;
    expect(token.length).toBeGreaterThanOrEqual(22);

    const files = ["records.sqlite", "records.sqlite-wal"].map((f) => join(served.dataDir, f));
    // The redaction is checkpointed shortly after the send; wait for it (no timing is asserted).
    const deadline = Date.now() + 10_000;
    while (filesContaining(files, token).length > 0 && Date.now() < deadline) await Bun.sleep(50);
    expect(filesContaining(files, token)).toEqual([]);
    // The invitation is recorded as sent, without its link.
    const records = new Database(files[0], { readonly: true });
    const row = records.query("SELECT status, payload FROM outbox WHERE kind = 'qts-invitation'").get() as { status: string; payload: string };
    records.close();
    expect(row.status).toBe("sent");
    expect(JSON.parse(row.payload)).toMatchObject({ trn, linkRemoved: true });
  }, 60_000);
});

describe("info: production mode", () => {
  test("info: `identity clients add` refuses an http://localhost redirect URI in production, and takes it in development", () => {
    const { dir, binary } = binaryInFreshDir();
    const { env } = testEnv({ dataDir: join(dir, "data") });
    const production = {
      ...env,
      ENVIRONMENT: "production",
      IDENTITY_URL: "https://id.example.gov.uk",
      RECORDS_URL: "https://records.example.gov.uk",
      ACCESS_URL: "https://access.example.gov.uk",
      SMTP_URL: smtp.url,
      SIGNING_KEY_PASSPHRASE: passphrase,
      // The CLI checks identity's production settings as serve does.
      NOTIFY_API_KEY: `live-${crypto.randomUUID()}-${crypto.randomUUID()}`,
      NOTIFY_SMS_TEMPLATE_ID: crypto.randomUUID(),
      IDENTITY_CLIENT_ID: "identity-prod",
      IDENTITY_CLIENT_SECRET: "i".repeat(43),
    };
    const add = (environment: Record<string, string>, clientId: string, redirect: string) =>
      runToExit(binary, ["identity", "clients", "add", "--name", "Local RP", "--client-id", clientId, "--grant-types", "authorization_code", "--scopes", "openid", "--redirect-uri", redirect], dir, environment);
    try {
      const refused = add(production, "local-rp", "http://localhost:3000/callback");
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain("--redirect-uri must be https:// when ENVIRONMENT=production");
      expect(refused.stderr).toContain("Nothing was changed.");
      const loopback = add(production, "loopback-rp", "http://127.0.0.1:3000/callback");
      expect(loopback.code).toBe(2);
      expect(runToExit(binary, ["identity", "clients", "list"], dir, production).stdout).not.toContain("-rp");

      expect(add(production, "https-rp", "https://rp.example.gov.uk/callback").code).toBe(0);
      expect(add(env, "dev-rp", "http://localhost:3000/callback").code).toBe(0);
      const listed = runToExit(binary, ["identity", "clients", "list"], dir, production).stdout;
      expect(listed).toContain("https-rp");
      expect(listed).toContain("dev-rp");
      expect(listed).not.toContain("local-rp");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
