// POST /v2/teachers/find over real HTTP against the built binary (`serve` with its demo teachers):
// who may call it (teachers:match, identity's own client), its two answers, 400/415 about form
// only, and the per-client limit (TEACHER_MATCH_RATE_LIMIT). Every response is checked against
// records' OpenAPI document.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadApiDocument, watchApiResponses, type ResponseWatch } from "../helpers/openapi-conformance";
import { clientToken, registerApiClient } from "../helpers/records-support";
import { serveBinary, type ServedBinary } from "../helpers/served-binary";

const matchLimit = 12;
let served: ServedBinary;
let watch: ResponseWatch;
let identityToken: string;

// The demo's teacher with QTS (src/records/demo/demo-teachers.ts).
const grace = { lastName: "Okafor", dateOfBirth: "1990-09-18" };

async function find(body: unknown, token: string | null = identityToken, contentType = "application/json") {
  const response = await fetch(`${served.urls.records}/v2/teachers/find`, {
    method: "POST",
    headers: { "content-type": contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

beforeAll(async () => {
  served = await serveBinary({ env: { TEACHER_MATCH_RATE_LIMIT: String(matchLimit) } });
  // identity's own client, as `serve` provisioned it: the one client that holds teachers:match.
  const secrets = JSON.parse(readFileSync(join(served.dataDir, "internal-client-secrets.json"), "utf8"));
  identityToken = await clientToken(served.urls.identity, secrets.identity, "teachers:match");
  watch = watchApiResponses(served.urls.records, await loadApiDocument(served.urls.records), { apiPrefixes: ["/v2"] });
}, 60_000);
afterEach(() => {
  expect(watch.failures.splice(0)).toEqual([]);
});
afterAll(async () => {
  watch?.restore();
  expect(watch?.checked ?? 0).toBeGreaterThan(10);
  await served?.stop();
});

describe("POST /v2/teachers/find", () => {
  test("without a token 401; a token without teachers:match (teachers:read) 403; identity's own client holds it", async () => {
    const none = await find({ ...grace, trn: "1234571" }, null);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toStartWith("Bearer");
    const reader = registerApiClient(served.dataDir, ["teachers:read"]);
    const wrong = await find({ ...grace, trn: "1234571" }, await clientToken(served.urls.identity, reader, "teachers:read"));
    expect(wrong.status).toBe(403);
    expect(JSON.parse(wrong.text).title).toBeString();
    // Another client cannot ask identity for the scope it was not given.
    const asked = await fetch(`${served.urls.identity}/token`, {
      method: "POST",
      headers: { authorization: `Basic ${btoa(`${reader.clientId}:${reader.clientSecret}`)}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: "teachers:match" }),
    });
    expect(asked.status).toBe(400);
    expect(((await asked.json()) as { error: string }).error).toBe("invalid_scope");
  });

  test("a strong unique match gives the TRN; one answer wrong gives {match: none}, byte for byte the same whatever was wrong", async () => {
    const byNino = await find({ ...grace, lastName: "OKAFOR", firstName: "Grace", nationalInsuranceNumber: "ab 12 34 56 c" });
    expect(byNino.status).toBe(200);
    expect(JSON.parse(byNino.text)).toEqual({ match: "unique", trn: "1234571" });
    expect(byNino.headers.get("cache-control")).toBe("no-store");
    // A maiden name, and the training provider with the year of QTS.
    const byTraining = await find({ lastName: "Adeyemi", dateOfBirth: grace.dateOfBirth, ittProviderName: "university of westmoor", awardYear: 2019 });
    expect(JSON.parse(byTraining.text)).toEqual({ match: "unique", trn: "1234571" });

    const wrongs = [
      { ...grace, lastName: "Okafur", trn: "1234571" },
      { ...grace, dateOfBirth: "1990-09-19", trn: "1234571" },
      { ...grace, trn: "1234572" },
      { ...grace, nationalInsuranceNumber: "AB123457C" },
      { ...grace, ittProviderName: "University of Westmoor", awardYear: 2018 },
    ];
    const answers = await Promise.all(wrongs.map((body) => find(body)));
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.text).toBe('{"match":"none"}');
      expect(answer.headers.get("content-type")).toBe(answers[0].headers.get("content-type"));
      expect(answer.headers.get("content-length")).toBe(answers[0].headers.get("content-length"));
    }
  });

  test("a malformed request is 400 naming each field (its form only), or 415 when not JSON", async () => {
    const bad = await find({ lastName: "", dateOfBirth: "1990-02-30", trn: "12", nationalInsuranceNumber: "nope", previousLastNames: ["a", "b", "c", "d", "e", "f"] });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toStartWith("application/problem+json");
    expect(Object.keys(JSON.parse(bad.text).errors).sort()).toEqual(["dateOfBirth", "lastName", "nationalInsuranceNumber", "previousLastNames", "trn"]);
    const form = await find("lastName=Okafor", identityToken, "application/x-www-form-urlencoded");
    expect(form.status).toBe(415);
  });

  test(`limited per client: past ${matchLimit} a minute, 429 with Retry-After; another client is still answered`, async () => {
    let status = 200;
    let tries = 0;
    let last: Awaited<ReturnType<typeof find>> | undefined;
    while (status !== 429 && tries < matchLimit + 2) {
      last = await find({ ...grace, trn: "1234571" });
      status = last.status;
      tries++;
    }
    expect(status).toBe(429);
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(JSON.parse(last!.text).type).toBe("https://iana.org/assignments/http-problem-types#quota-exceeded");
    const other = registerApiClient(served.dataDir, ["teachers:match"]);
    const answered = await find({ ...grace, trn: "1234571" }, await clientToken(served.urls.identity, other, "teachers:match"));
    expect(JSON.parse(answered.text)).toEqual({ match: "unique", trn: "1234571" });
  });
});
