// Issue 13, "Your Teacher ID account": the change requests, attacked through the built binary
// (dist/teacher-id serve) over real HTTP, with a real SMTP server for the confirmation emails.
// records: POST /v3/teacher/name-changes and /date-of-birth-changes with a teacher's own access
// token from a real sign-in (authorization code + PKCE at identity, so records also asks identity's
// /introspect about it). access: the upload form, forwarding to records.
// Teachers and identity accounts are put in the databases directly (as an import and an earlier
// sign-in would); everything under test goes over HTTP.
import { changeRequestsPerHour } from "../../src/access/change-requests/change-request-routes";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { loadServeConfig } from "../../src/cli/configuration";
import { internalClientCredentials, type ClientCredentials } from "../../src/config/internal-clients";
import { csrfFieldIn, HttpBrowser } from "../helpers/access-http-browser";
import { seeding, type SeedTeacher, type Seeding } from "../helpers/access-seed";
import { Browser, authorizationUrl } from "../helpers/identity-journey";
import { loadApiDocument, watchApiResponses, type ResponseWatch } from "../helpers/openapi-conformance";
import { freePort } from "../helpers/ports";
import { serveBinary, type ServedBinary } from "../helpers/served-binary";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp";
import type { TestSystem } from "../helpers/system";

let smtp: TestSmtpServer;
let served: ServedBinary;
let seed: Seeding;
/** What the identity-journey helpers read: URLs and the provisioned client credentials. */
let system: TestSystem;
let access: ClientCredentials;
let nextTrn = 5200001;
/** Every answer records gives this file's requests, checked against records' OpenAPI document. */
let watch: ResponseWatch;

beforeAll(async () => {
  smtp = await startSmtpServer();
  served = await serveBinary({ env: { SMTP_URL: smtp.url } });
  seed = seeding(served.dataDir);
  system = {
    urls: served.urls,
    config: Object.assign({}, ...Object.values(loadServeConfig(served.env, ["identity", "records", "access"]).services)),
    dataDir: served.dataDir,
  } as TestSystem;
  access = internalClientCredentials(system.config, "access");
  watch = watchApiResponses(served.urls.records, await loadApiDocument(served.urls.records), {
    apiPrefixes: ["/v3/teacher"],
    // Not Bun's own bare 413 (no body) for a body past its backstop (request-body.ts): the server's, not the API's.
    include: ({ method, url }, response) =>
      method === "POST" && ["/v3/teacher/name-changes", "/v3/teacher/date-of-birth-changes"].includes(url.pathname) && !(response.status === 413 && !response.headers.get("content-type")),
    // A body over the limit is refused by the web layer, unread, before the route (and its rate limiter).
    rateLimitFieldsExempt: (_request, response) => response.status === 413,
  });
}, 30_000);
afterEach(() => {
  // Each change-request answer matches the document's schema for its route and status.
  expect(watch.failures.splice(0)).toEqual([]);
});
afterAll(async () => {
  watch?.restore();
  // The check saw the 201s and refusals of the records tests (a watch that saw nothing proves nothing).
  expect(watch?.checked ?? 0).toBeGreaterThan(20);
  seed?.close();
  await served?.stop();
  await smtp?.close();
});

// ---------------------------------------------------------------------------------------------
// Files, as a teacher's device would hold them.

const ascii = (text: string) => new TextEncoder().encode(text);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) (out.set(part, at), (at += part.byteLength));
  return out;
};

/** A small real PDF; `padTo` pads it (inside a comment) to that many bytes. */
function pdf(text = "Marriage certificate", padTo?: number): Uint8Array {
  const head = ascii(`%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% ${text}\n`);
  const tail = ascii("trailer\n<< /Root 1 0 R >>\n%%EOF\n");
  const padding = padTo ? new Uint8Array(padTo - head.byteLength - tail.byteLength).fill(0x20) : new Uint8Array(0);
  return concat(head, padding, tail);
}
/** A 1x1 PNG. */
const png = Uint8Array.from(
  Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64"),
);
/** The start of a Windows program: "MZ", the DOS stub, and the PE header it points to. */
function exe(): Uint8Array {
  const bytes = new Uint8Array(1024);
  bytes.set(ascii("MZ"), 0);
  new DataView(bytes.buffer).setUint32(0x3c, 0x80, true);
  bytes.set(ascii("This program cannot be run in DOS mode."), 0x4e);
  bytes.set(ascii("PE\0\0"), 0x80);
  return bytes;
}

interface Upload {
  bytes: Uint8Array;
  name: string;
  /** What the client claims; records never believes it. */
  type: string;
}
const asPdf = (bytes: Uint8Array, name = "evidence.pdf"): Upload => ({ bytes, name, type: "application/pdf" });

// ---------------------------------------------------------------------------------------------
// Teachers, their tokens, and the API.

/** A teacher in records (with QTS and an email) whose Teacher ID account is signed in at identity. */
function newTeacher(overrides: Partial<SeedTeacher> = {}): { teacher: SeedTeacher; sessionCookie: string } {
  const trn = String(nextTrn++);
  const teacher: SeedTeacher = {
    trn,
    firstName: "Amelia",
    middleName: "Rose",
    lastName: "Okafor",
    dateOfBirth: "1994-03-09",
    email: `amelia.${trn}@example.com`,
    qtsDate: "2026-07-01",
    ...overrides,
  };
  seed.teacher(teacher);
  return { teacher, sessionCookie: seed.signedInAtIdentity(teacher) };
}

/** A Teacher ID account not linked to any record (its tokens carry no trn claim), signed in. */
function unlinkedAccount(): string {
  const n = nextTrn++;
  return seed.signedInAtIdentity({ trn: null, firstName: "Sam", lastName: "Nolink", dateOfBirth: "1990-01-01", email: `sam.${n}@example.com` });
}

const basic = (c: ClientCredentials) =>
  `Basic ${Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret)}`).toString("base64")}`;

/** access's access token for the signed-in teacher, from a real authorization code flow. */
async function accessTokenFor(sessionCookie: string, scope?: string): Promise<string> {
  return (await tokensFor(sessionCookie, scope)).access_token;
}

async function tokensFor(sessionCookie: string, scope?: string): Promise<{ access_token: string; refresh_token: string }> {
  const browser = new Browser(served.urls.identity);
  const [name, value] = sessionCookie.split("=");
  browser.cookies.set(name, value);
  const { url, auth } = authorizationUrl(system, scope ? { scope } : {});
  await browser.get(url);
  if (!browser.leftTo) throw new Error(`identity did not answer with a code (at ${browser.url}, ${browser.status})`);
  const code = new URL(browser.leftTo).searchParams.get("code")!;
  const response = await fetch(`${served.urls.identity}/token`, {
    method: "POST",
    headers: { authorization: basic(access), "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: auth.redirectUri, code_verifier: auth.verifier }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { access_token: string; refresh_token: string };
}

async function signedInTeacher(overrides: Partial<SeedTeacher> = {}) {
  const { teacher, sessionCookie } = newTeacher(overrides);
  return { teacher, sessionCookie, token: await accessTokenFor(sessionCookie) };
}

type Answer = { status: number; type: string | null; body: any };

async function answerOf(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: response.status, type: response.headers.get("content-type"), body };
}

async function requestChange(
  token: string | undefined,
  kind: "name-changes" | "date-of-birth-changes",
  fields: Record<string, string>,
  uploads: Upload[] = [],
): Promise<Answer> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const upload of uploads) form.append("evidence", new File([upload.bytes], upload.name, { type: upload.type }));
  const response = await fetch(`${served.urls.records}/v3/teacher/${kind}`, {
    method: "POST",
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: form,
  });
  return answerOf(response);
}

const newName = { firstName: "Amelia", middleName: "Rose", lastName: "Smith" };

async function ownRecord(token: string): Promise<any> {
  const response = await fetch(`${served.urls.records}/v3/teacher`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return response.json();
}

/** records' database, read as support staff (or an attacker with the disk) would. */
function recordsDb<T>(read: (db: Database) => T): T {
  const db = new Database(join(served.dataDir, "records.sqlite"), { readonly: true });
  try {
    db.run("PRAGMA busy_timeout=5000");
    return read(db);
  } finally {
    db.close();
  }
}
const storedRequests = (trn: string) =>
  recordsDb((db) =>
    db
      .query(
        `SELECT r.reference, r.type, r.status, e.media_type AS mediaType, e.size, e.sha256, e.content
         FROM change_requests r JOIN teachers t ON t.id = r.teacher_id JOIN change_request_evidence e ON e.change_request_id = r.id
         WHERE t.trn = ? ORDER BY r.id`,
      )
      .all(trn) as { reference: string; type: string; status: string; mediaType: string; size: number; sha256: string; content: Uint8Array }[],
  );
/** Emails records has decided to send to `to` (its outbox, sent or not: written with the request). */
const emailsQueuedTo = (to: string) =>
  recordsDb((db) => (db.query("SELECT payload FROM outbox WHERE kind = 'email'").all() as { payload: string }[]).map((r) => JSON.parse(r.payload)))
    .filter((email: { to: string }) => email.to === to);

const casePattern = /^CASE-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}$/;

// ---------------------------------------------------------------------------------------------

describe("records: a teacher asks for a correction, with evidence", () => {
  test("a name change with a PDF: 201 with a case reference, listed at GET /v3/teacher, evidence kept, and the teacher is emailed the reference", async () => {
    const { teacher, token } = await signedInTeacher();
    const evidence = pdf("Certificate of marriage");
    const answer = await requestChange(token, "name-changes", newName, [asPdf(evidence, "marriage certificate.pdf")]);
    expect(answer.status).toBe(201);
    expect(answer.type).toStartWith("application/json");
    const { caseReference } = answer.body;
    expect(caseReference).toMatch(casePattern);
    expect(answer.body).toMatchObject({ type: "name", requested: newName });

    // The record is unchanged until someone has checked the evidence; the request is listed.
    const record = await ownRecord(token);
    expect(record.lastName).toBe("Okafor");
    expect(record.pendingDetailChanges).toEqual([{ caseReference, type: "name", requested: newName, createdUtc: answer.body.createdUtc }]);
    expect(Math.abs(Date.parse(answer.body.createdUtc) - Date.now())).toBeLessThan(60_000);

    // Stored with its evidence: the bytes sent, their real type.
    const [stored] = storedRequests(teacher.trn);
    expect(stored).toMatchObject({ reference: caseReference, type: "name", status: "open", mediaType: "application/pdf", size: evidence.byteLength });
    expect(Buffer.from(stored.content).equals(Buffer.from(evidence))).toBe(true);
    expect(stored.sha256).toBe(createHash("sha256").update(evidence).digest("hex"));

    const email = await smtp.waitForMessage(teacher.email, { match: (m) => m.subject.includes(caseReference) });
    expect(email.subject).toBe(`We have received your request to change your name (${caseReference})`);
    expect(email.text).toContain(`Your case reference is ${caseReference}.`);
    expect(email.text).toContain("You asked us to change your name to: Amelia Rose Smith");
    expect(email.text).toContain(`${served.urls.access}/qualifications`);
  });

  test("a date of birth change with a PNG: 201, and the email gives the date as people write it", async () => {
    const { teacher, token } = await signedInTeacher();
    const answer = await requestChange(token, "date-of-birth-changes", { dateOfBirth: "1994-09-03" }, [
      { bytes: png, name: "passport.png", type: "image/png" },
    ]);
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ type: "dateOfBirth", requested: { dateOfBirth: "1994-09-03" } });
    expect((await ownRecord(token)).pendingDetailChanges).toMatchObject([{ caseReference: answer.body.caseReference, type: "dateOfBirth" }]);
    expect(storedRequests(teacher.trn)[0].mediaType).toBe("image/png");
    const email = await smtp.waitForMessage(teacher.email, { match: (m) => m.subject.includes(answer.body.caseReference) });
    expect(email.text).toContain("You asked us to change your date of birth to: 3 September 1994");
  });

  test("an EXE renamed .pdf and sent as application/pdf is refused by its bytes: 400 with errors, nothing stored, no email", async () => {
    const { teacher, token } = await signedInTeacher();
    const disguised: Upload[] = [
      asPdf(exe(), "marriage-certificate.pdf"),
      { bytes: ascii("<html><script>alert(1)</script></html>"), name: "passport.png", type: "image/png" },
      { bytes: ascii("just some text, not a picture"), name: "photo.jpg", type: "image/jpeg" },
    ];
    for (const upload of disguised) {
      const answer = await requestChange(token, "name-changes", newName, [upload]);
      expect({ file: upload.name, status: answer.status, type: answer.type }).toEqual({ file: upload.name, status: 400, type: "application/problem+json" });
      expect(answer.body.errors).toEqual({ evidence: ["The selected file must be a PDF, JPG or PNG"] });
    }
    expect(storedRequests(teacher.trn)).toEqual([]);
    expect((await ownRecord(token)).pendingDetailChanges).toEqual([]);
    expect(emailsQueuedTo(teacher.email)).toEqual([]);
  });

  test("a file over 10 MB is refused: 11 MB gets 400 with errors, 11 MiB is refused by its size unread (413); exactly 10 MiB is taken", async () => {
    const { teacher, token } = await signedInTeacher();
    const elevenMb = await requestChange(token, "name-changes", newName, [asPdf(pdf("big", 11_000_000))]);
    expect(elevenMb.status).toBe(400);
    expect(elevenMb.body.errors).toEqual({ evidence: ["The selected file must be smaller than 10MB"] });

    const elevenMiB = await requestChange(token, "name-changes", newName, [asPdf(pdf("bigger", 11 * 1024 * 1024))]);
    expect(elevenMiB.status).toBe(413);
    expect(storedRequests(teacher.trn)).toEqual([]);
    expect(emailsQueuedTo(teacher.email)).toEqual([]);

    const tenMiB = await requestChange(token, "name-changes", newName, [asPdf(pdf("just fits", 10 * 1024 * 1024))]);
    expect(tenMiB.status).toBe(201);
    expect(storedRequests(teacher.trn).map((r) => r.size)).toEqual([10 * 1024 * 1024]);
  }, 30_000);

  test("a fourth open request is refused: 409 problem+json with errors; the three are listed and emailed, the fourth is not", async () => {
    const { teacher, token } = await signedInTeacher();
    const references: string[] = [];
    for (const lastName of ["Smith", "Smyth", "Smithe"]) {
      const answer = await requestChange(token, "name-changes", { ...newName, lastName }, [asPdf(pdf())]);
      expect(answer.status).toBe(201);
      references.push(answer.body.caseReference);
    }
    expect(new Set(references).size).toBe(3);
    const fourth = await requestChange(token, "date-of-birth-changes", { dateOfBirth: "1994-09-03" }, [asPdf(pdf())]);
    expect(fourth.status).toBe(409);
    expect(fourth.type).toBe("application/problem+json");
    expect(fourth.body).toMatchObject({
      status: 409,
      errorCode: 10050,
      errors: { changeRequests: ["You already have 3 open requests. You can ask for another change once we have dealt with one of them"] },
    });
    expect((await ownRecord(token)).pendingDetailChanges.map((c: { caseReference: string }) => c.caseReference)).toEqual(references);
    expect(storedRequests(teacher.trn)).toHaveLength(3);
    expect(emailsQueuedTo(teacher.email).map((e: { subject: string }) => e.subject.slice(-12, -1))).toEqual(references);
  });

  test("five requests at once from a teacher with none open: exactly three are taken", async () => {
    const { teacher, token } = await signedInTeacher();
    const answers = await Promise.all(
      ["Smith", "Smyth", "Smithe", "Smythe", "Smiths"].map((lastName) => requestChange(token, "name-changes", { ...newName, lastName }, [asPdf(pdf())])),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 201, 409, 409]);
    expect(storedRequests(teacher.trn)).toHaveLength(3);
    expect(emailsQueuedTo(teacher.email)).toHaveLength(3);
  });

  test("a browser's empty file input (a nameless, empty part) is 'no file'; a nameless file is taken by its bytes", async () => {
    const { teacher, token } = await signedInTeacher();
    const raw = (file: string) =>
      fetch(`${served.urls.records}/v3/teacher/date-of-birth-changes`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "multipart/form-data; boundary=XyZ" },
        body:
          '--XyZ\r\nContent-Disposition: form-data; name="dateOfBirth"\r\n\r\n1994-09-03\r\n' +
          `--XyZ\r\nContent-Disposition: form-data; name="evidence"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n${file}\r\n--XyZ--\r\n`,
      }).then(answerOf);
    const none = await raw("");
    expect(none.status).toBe(400);
    expect(none.body.errors).toEqual({ evidence: ["Select a file to upload as evidence"] });
    const nameless = await raw(new TextDecoder("latin1").decode(pdf("no name")));
    expect(nameless.status).toBe(201);
    expect(storedRequests(teacher.trn).map((r) => r.mediaType)).toEqual(["application/pdf"]);
  });

  test("the evidence is never served back: no answer carries its bytes, no address serves it; it is kept in records' 0600 database", async () => {
    const { teacher, token } = await signedInTeacher();
    const marker = `evidence-marker-${crypto.randomUUID()}`;
    const created = await requestChange(token, "name-changes", newName, [asPdf(pdf(marker), `${marker}.pdf`)]);
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain(marker);
    const { caseReference } = created.body;

    const tried: [string, number][] = [];
    const addresses = [
      "/v3/teacher",
      "/v3/teacher/name-changes",
      `/v3/teacher/name-changes/${caseReference}`,
      `/v3/teacher/name-changes/${caseReference}/evidence`,
      `/v3/teacher/change-requests/${caseReference}`,
      `/v3/teacher/change-requests/${caseReference}/evidence`,
      `/v3/teacher/evidence/${caseReference}`,
      `/v2/teachers/${teacher.trn}`,
    ];
    for (const path of addresses) {
      const response = await fetch(`${served.urls.records}${path}`, { headers: { authorization: `Bearer ${token}` } });
      const body = await response.text();
      expect(body).not.toContain(marker);
      expect(body).not.toContain("%PDF");
      tried.push([path, response.status]);
    }
    // Only the teacher's own record answers (listing the request without its file); the rest do not exist.
    expect(tried.filter(([, status]) => status === 200).map(([path]) => path)).toEqual(["/v3/teacher"]);

    // Kept, privately: in records' database, which only the service user can read.
    expect(Buffer.from(storedRequests(teacher.trn)[0].content).toString("latin1")).toContain(marker);
    expect(statSync(join(served.dataDir, "records.sqlite")).mode & 0o777).toBe(0o600);
    // And nothing of it in the log.
    expect(JSON.stringify(served.logs())).not.toContain(marker);
  });

  test("a revoked sign-in's token is refused within seconds: records asks identity (/introspect) about teachers' tokens", async () => {
    const { teacher, sessionCookie } = newTeacher();
    const tokens = await tokensFor(sessionCookie);
    const taken = await requestChange(tokens.access_token, "date-of-birth-changes", { dateOfBirth: "1994-09-03" }, [asPdf(pdf())]);
    expect(taken.status).toBe(201);
    const revoked = await fetch(`${served.urls.identity}/revoke`, {
      method: "POST",
      headers: { authorization: basic(access), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: tokens.refresh_token, token_type_hint: "refresh_token" }),
    });
    expect(revoked.status).toBe(200);
    // Asked with a request records would refuse anyway (no file), so the token is all that changes: 400 until records hears, then 401.
    let answer: Answer;
    const deadline = Date.now() + 10_000;
    do answer = await requestChange(tokens.access_token, "name-changes", newName);
    while (answer.status === 400 && Date.now() < deadline && (await Bun.sleep(100), true));
    expect(answer.status).toBe(401);
    expect(answer.body.detail).toBe("The access token has been revoked.");
    expect(storedRequests(teacher.trn)).toHaveLength(1);
  });

  test("anything else gets a clear 400 (or 401, 403, 415) with errors, and stores nothing", async () => {
    const { teacher, token } = await signedInTeacher();
    const cases: [string, Promise<Answer>, number, Record<string, string[]> | undefined][] = [
      ["no names", requestChange(token, "name-changes", { middleName: "Rose" }, [asPdf(pdf())]), 400, {
        firstName: ["Enter your first name"],
        lastName: ["Enter your last name"],
      }],
      ["blank names and no file", requestChange(token, "name-changes", { firstName: " ", lastName: "" }), 400, {
        firstName: ["Enter your first name"],
        lastName: ["Enter your last name"],
        evidence: ["Select a file to upload as evidence"],
      }],
      ["symbols and bidi controls in a name", requestChange(token, "name-changes", { firstName: "<b>Amelia</b>", lastName: "Smith\u202E" }, [asPdf(pdf())]), 400, {
        firstName: ["First name must only include letters, spaces, hyphens, apostrophes and full stops"],
        lastName: ["Last name must only include letters, spaces, hyphens, apostrophes and full stops"],
      }],
      ["an empty file", requestChange(token, "name-changes", newName, [asPdf(new Uint8Array(0))]), 400, { evidence: ["The selected file is empty"] }],
      ["two files", requestChange(token, "name-changes", newName, [asPdf(pdf()), asPdf(pdf())]), 400, { evidence: ["Select only one file"] }],
      ["the name already on the record", requestChange(token, "name-changes", { firstName: "Amelia", middleName: "Rose", lastName: "Okafor" }, [asPdf(pdf())]), 400, {
        name: ["The name you entered is already the name on your record"],
      }],
      ["a date in the future", requestChange(token, "date-of-birth-changes", { dateOfBirth: "2999-01-01" }, [asPdf(pdf())]), 400, {
        dateOfBirth: ["Date of birth must be in the past"],
      }],
      ["no real date", requestChange(token, "date-of-birth-changes", { dateOfBirth: "1994-02-30" }, [asPdf(pdf())]), 400, {
        dateOfBirth: ["Date of birth must be a real date in the format YYYY-MM-DD"],
      }],
      ["no token", requestChange(undefined, "name-changes", newName, [asPdf(pdf())]), 401, undefined],
      ["an account with no teaching record (no trn claim)", accessTokenFor(unlinkedAccount()).then((t) => requestChange(t, "name-changes", newName, [asPdf(pdf())])), 403, undefined],
      ["JSON instead of a form", fetch(`${served.urls.records}/v3/teacher/name-changes`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(newName),
      }).then(answerOf), 415, undefined],
    ];
    for (const [name, pending, status, errors] of cases) {
      const answer = await pending;
      expect({ name, status: answer.status, type: answer.type }).toEqual({ name, status, type: "application/problem+json" });
      if (errors) expect({ name, errors: answer.body.errors }).toEqual({ name, errors });
    }
    expect(storedRequests(teacher.trn)).toEqual([]);
    expect(emailsQueuedTo(teacher.email)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

/** A browser signed in to access (through identity's real sign-in, its session put in place). */
async function accessBrowser(): Promise<{ browser: HttpBrowser; teacher: SeedTeacher }> {
  const { teacher, sessionCookie } = newTeacher();
  const browser = new HttpBrowser();
  const [name, value] = sessionCookie.split("=");
  browser.cookies.set(name, value);
  const signedIn = await browser.follow(`${served.urls.access}/sign-in`);
  expect(signedIn.url).toBe(`${served.urls.access}/qualifications`);
  await signedIn.response.text();
  return { browser, teacher };
}

/** The name form posted as a browser posts it: multipart, the CSRF token as a field. */
async function postNameForm(browser: HttpBrowser, fields: Record<string, string>, upload?: Upload, headers: Record<string, string> = {}) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (upload) form.append("evidence", new File([upload.bytes], upload.name, { type: upload.type }));
  return browser.request(`${served.urls.access}/change-requests/name`, { method: "POST", body: form, headers });
}

async function nameFormToken(browser: HttpBrowser): Promise<string> {
  const page = await browser.request(`${served.urls.access}/change-requests/name`);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('enctype="multipart/form-data"');
  return csrfFieldIn(html);
}

/** VmRSS of the serve process, in bytes. */
const serveRss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${served.process.pid}/status`, "utf8"))![1]) * 1024;

describe("access: the upload form, forwarded to records", () => {
  test("the teacher sends the form with a file and sees the case reference; the qualifications page shows the change as requested", async () => {
    const { browser, teacher } = await accessBrowser();
    const qualifications = await (await browser.request(`${served.urls.access}/qualifications`)).text();
    expect(qualifications).toContain('Your details are wrong? <a class="govuk-link" href="/change-requests">Request a change</a>');
    expect(qualifications).not.toContain("Change requested on");

    const choose = await browser.request(`${served.urls.access}/change-requests`);
    const chosen = await browser.submit(`${served.urls.access}/change-requests`, { _csrf: csrfFieldIn(await choose.text()), detail: "name" });
    expect(chosen.url).toBe(`${served.urls.access}/change-requests/name`);

    const token = csrfFieldIn(await chosen.response.text());
    const sent = await postNameForm(browser, { _csrf: token, ...newName }, asPdf(pdf()));
    expect(sent.status).toBe(303);
    const location = sent.headers.get("location")!;
    expect(location).toMatch(/^\/change-requests\/CASE-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}$/);
    const caseReference = location.split("/").pop()!;

    const confirmation = await browser.request(`${served.urls.access}${location}`);
    expect(confirmation.status).toBe(200);
    const html = await confirmation.text();
    expect(html).toContain("govuk-panel--confirmation");
    expect(html).toContain(`<strong>${caseReference}</strong>`);
    expect(html).toContain("We have emailed you to confirm it.");
    await smtp.waitForMessage(teacher.email, { match: (m) => m.subject.includes(caseReference) });

    const after = await (await browser.request(`${served.urls.access}/qualifications`)).text();
    const today = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "Europe/London" }).format(new Date());
    expect(after).toContain(`Change requested on ${today} (case reference ${caseReference})`);
  });

  test("records' refusals come back as the form's error summary, with the answers kept: wrong type (an EXE as .pdf), empty, missing values", async () => {
    const { browser, teacher } = await accessBrowser();
    const token = await nameFormToken(browser);
    const cases: [Record<string, string>, Upload | undefined, Record<string, string>][] = [
      [newName, asPdf(exe(), "certificate.pdf"), { evidence: "The selected file must be a PDF, JPG or PNG" }],
      [newName, asPdf(new Uint8Array(0), "certificate.pdf"), { evidence: "The selected file is empty" }],
      [{ firstName: "", middleName: "", lastName: "Smith" }, undefined, { "first-name": "Enter your first name", evidence: "Select a file to upload as evidence" }],
    ];
    for (const [fields, upload, errors] of cases) {
      const response = await postNameForm(browser, { _csrf: token, ...fields }, upload);
      expect(response.status).toBe(400);
      const html = await response.text();
      expect(html).toContain("<title>Error: Ask for your name to be changed");
      const summary = html.slice(html.indexOf("govuk-error-summary"), html.indexOf("</ul>", html.indexOf("govuk-error-summary")));
      for (const [id, message] of Object.entries(errors)) expect(summary).toContain(`<a href="#${id}">${message}</a>`);
      expect([...summary.matchAll(/<li>/g)]).toHaveLength(Object.keys(errors).length);
      expect(html).toContain(`value="${fields.lastName}"`);
    }
    expect(storedRequests(teacher.trn)).toEqual([]);
  });

  test("a 30 MB file is refused by its size, unread, with the form's own error summary (413); serve's memory does not grow", async () => {
    const { browser, teacher } = await accessBrowser();
    const token = await nameFormToken(browser);
    const before = serveRss();
    const response = await postNameForm(browser, { _csrf: token, ...newName }, asPdf(pdf("huge", 30_000_000)));
    expect(response.status).toBe(413);
    const html = await response.text();
    expect(html).toContain('<a href="#evidence">The selected file must be smaller than 10MB</a>');
    expect(html).toContain('enctype="multipart/form-data"');
    expect(serveRss() - before).toBeLessThan(20 * 1024 * 1024);
    expect(storedRequests(teacher.trn)).toEqual([]);
  }, 30_000);

  test("CSRF still holds for the multipart form: no token, a wrong one, or another origin is refused; multipart elsewhere is 415", async () => {
    const { browser, teacher } = await accessBrowser();
    const token = await nameFormToken(browser);
    const otherPort = `http://127.0.0.1:${freePort()}`;
    const refused: [Record<string, string>, Record<string, string>][] = [
      [{ ...newName }, {}],
      [{ _csrf: "x".repeat(43), ...newName }, {}],
      [{ _csrf: token, ...newName }, { origin: otherPort }],
      [{ _csrf: token, ...newName }, { "sec-fetch-site": "cross-site" }],
    ];
    for (const [fields, headers] of refused) {
      const response = await postNameForm(browser, fields, asPdf(pdf()), headers);
      expect({ headers, status: response.status }).toEqual({ headers, status: 403 });
      expect(await response.text()).toContain("This form has expired");
    }
    expect(storedRequests(teacher.trn)).toEqual([]);

    // A page that declares no upload takes no multipart body, token or not.
    const form = new FormData();
    form.append("_csrf", token);
    form.append("detail", "name");
    const elsewhere = await browser.request(`${served.urls.access}/change-requests`, { method: "POST", body: form });
    expect(elsewhere.status).toBe(415);
    const signOut = await browser.request(`${served.urls.access}/sign-out`, { method: "POST", body: form });
    expect(signOut.status).toBe(415);
    // Still signed in.
    expect((await browser.request(`${served.urls.access}/qualifications`)).status).toBe(200);
  });

  test("another teacher's case reference shows nothing", async () => {
    const first = await accessBrowser();
    const sent = await postNameForm(first.browser, { _csrf: await nameFormToken(first.browser), ...newName }, asPdf(pdf()));
    const location = sent.headers.get("location")!;
    const other = await accessBrowser();
    const response = await other.browser.request(`${served.urls.access}${location}`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("We could not find that request");
  });

  test("one teacher's sends are rate-limited: after changeRequestsPerHour, a 429 page with Retry-After, and records gets nothing more", async () => {
    const { browser, teacher } = await accessBrowser();
    const token = await nameFormToken(browser);
    // Each refused by records (an EXE as .pdf), so none stays open and only the limit can stop them.
    for (let i = 0; i < changeRequestsPerHour; i++) {
      const response = await postNameForm(browser, { _csrf: token, ...newName }, asPdf(exe(), "certificate.pdf"));
      expect(response.status).toBe(400);
    }
    const refused = await postNameForm(browser, { _csrf: token, ...newName }, asPdf(pdf()));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.text()).toContain("You need to wait before trying again");
    expect(storedRequests(teacher.trn)).toEqual([]);
  });
});
