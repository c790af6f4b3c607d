// identity's and records' OpenAPI documents: valid OpenAPI 3.1 (checked with @readme/openapi-parser),
// made from the very zod schemas the routes parse with, with a /docs page that needs nothing from
// another origin; and the response checker the API tests use really catches a drifting response.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { compileErrors, validate } from "@readme/openapi-parser";
import { z } from "zod";
import { createTrnTokenSchema } from "../../src/identity/trn-tokens/schemas";
import { apiUserSchema, bindUserTrn, getUser, listUsers } from "../../src/identity/users-api/users-api-schemas";
import { ittOutcomeBody, ittOutcomes, putIttOutcome } from "../../src/records/itt-outcome/itt-outcome-schemas";
import { dateOfBirthChangeForm, nameChangeFields, nameChangeForm, postDateOfBirthChange, postNameChange } from "../../src/records/change-requests/change-request-schemas";
import { getOwnRecord, getTeacher, teacherRecordSchema } from "../../src/records/teachers/teacher-schemas";
import { findTeacher } from "../../src/records/matching/find-schemas";
import { createConformanceChecker, loadApiDocument } from "../helpers/openapi-conformance";
import { startTestSystem, type TestSystem } from "../helpers/system";

let system: TestSystem;
let documents: { identity: Record<string, any>; records: Record<string, any> };

beforeAll(async () => {
  system = await startTestSystem({ only: ["identity", "records"] });
  documents = { identity: await loadApiDocument(system.urls.identity), records: await loadApiDocument(system.urls.records) };
});
afterAll(() => system?.stop());

/** The component as zod makes it, without the keywords a component does not repeat. */
const componentOf = (schema: z.ZodType, io: "input" | "output") => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
};

describe("the documents", () => {
  for (const service of ["identity", "records"] as const) {
    test(`${service}: /openapi.json is a valid OpenAPI 3.1 document, public and cacheable`, async () => {
      const response = await fetch(`${system.urls[service]}/openapi.json`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/json");
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      const document = (await response.json()) as Record<string, any>;
      expect(document.openapi).toBe("3.1.1");
      const result = await validate(structuredClone(document) as Parameters<typeof validate>[0]);
      if (!result.valid) throw new Error(compileErrors(result));
      expect(result.valid).toBe(true);
      expect(result.warnings).toEqual([]);
      expect(document.servers).toEqual([{ url: system.urls[service] }]);
      expect(document.components.securitySchemes.clientToken.flows.clientCredentials.tokenUrl).toBe(`${system.urls.identity}/token`);
    });
  }

  test("each route is in its service's document, at the path and with the scope the route uses", () => {
    const operationIn = (document: Record<string, any>, op: { method: string; path: string }) =>
      document.paths[op.path.replace(/:(\w+)/g, "{$1}")]?.[op.method.toLowerCase()];
    for (const op of [listUsers, getUser, bindUserTrn]) {
      expect(operationIn(documents.identity, op).security).toEqual([{ clientToken: [op.scope] }]);
    }
    expect(operationIn(documents.identity, { method: "POST", path: "/trn-tokens" }).security).toEqual([{ clientToken: ["trn_token:write"] }]);
    for (const op of [putIttOutcome, getTeacher, findTeacher]) expect(operationIn(documents.records, op).security).toEqual([{ clientToken: [op.scope] }]);
    for (const op of [getOwnRecord, postNameChange, postDateOfBirthChange]) expect(operationIn(documents.records, op).security).toEqual([{ teacherToken: ["dqt:read"] }]);
    expect(Object.keys(documents.identity.paths).sort()).toEqual(["/api/v1/users", "/api/v1/users/{sub}", "/api/v1/users/{sub}/trn", "/trn-tokens"]);
    expect(Object.keys(documents.records.paths).sort()).toEqual([
      "/v2/support/change-requests/{reference}",
      "/v2/support/change-requests/{reference}/approve",
      "/v2/support/change-requests/{reference}/evidence",
      "/v2/support/change-requests/{reference}/reject",
      "/v2/support/teachers/{trn}",
      "/v2/teachers/find",
      "/v2/teachers/{trn}",
      "/v2/teachers/{trn}/date-of-birth-from-teacher",
      "/v2/teachers/{trn}/eyts",
      "/v2/teachers/{trn}/induction",
      "/v2/teachers/{trn}/itt-outcome",
      "/v2/teachers/{trn}/qts",
      "/v3/teacher",
      "/v3/teacher/date-of-birth-changes",
      "/v3/teacher/name-changes",
    ]);
  });

  test("the change requests are multipart forms: the fields the route parses, plus the evidence file; 201 gives the open request", () => {
    const post = documents.records.paths["/v3/teacher/name-changes"].post;
    expect(post.requestBody.content).toEqual({ "multipart/form-data": { schema: { $ref: "#/components/schemas/NameChangeRequest" } } });
    expect(documents.records.paths["/v3/teacher/date-of-birth-changes"].post.requestBody.content["multipart/form-data"].schema).toEqual({ $ref: "#/components/schemas/DateOfBirthChangeRequest" });
    const form = documents.records.components.schemas.NameChangeRequest;
    expect(form).toEqual(componentOf(nameChangeForm, "input"));
    expect(Object.keys(form.properties).sort()).toEqual([...Object.keys(nameChangeFields.shape), "evidence"].sort());
    expect(form.required).toEqual(["firstName", "lastName", "evidence"]);
    expect(form.properties.evidence).toMatchObject({ type: "string", format: "binary", maxLength: 10 * 1024 * 1024 });
    expect(documents.records.components.schemas.DateOfBirthChangeRequest).toEqual(componentOf(dateOfBirthChangeForm, "input"));
    expect(post.responses["201"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/PendingDetailChange" });
    expect(Object.keys(post.responses).sort()).toEqual(["201", "400", "401", "403", "404", "409", "413", "415", "429", "503"]);
  });

  test("the schemas are the routes' own zod schemas, converted: request bodies as accepted, answers as given", () => {
    expect(documents.records.components.schemas.IttOutcome).toEqual(componentOf(ittOutcomeBody, "input"));
    expect(documents.records.components.schemas.IttOutcome.properties.outcome.enum).toEqual([...ittOutcomes]);
    expect(documents.records.components.schemas.TeacherRecord).toEqual(
      // The nested ITT record is its own component, referred to by $ref.
      expect.objectContaining({ required: Object.keys(teacherRecordSchema.shape) }),
    );
    expect(documents.identity.components.schemas.CreateTrnToken).toEqual(componentOf(createTrnTokenSchema, "input"));
    expect(documents.identity.components.schemas.User).toEqual(componentOf(apiUserSchema, "output"));
    // The query parameters are the route's query schema's properties.
    expect(documents.identity.paths["/api/v1/users"].get.parameters.map((p: { name: string }) => p.name)).toEqual(Object.keys(listUsers.query!.shape));
    // The phone number is documented as optional, and said to need the phone scope.
    expect(documents.identity.components.schemas.User.required).not.toContain("phoneNumber");
    expect(documents.identity.components.schemas.User.properties.phoneNumber.description).toContain("phone");
  });

  test("every operation documents 401, 403, 429 and 503 as problem+json, with the RateLimit headers", () => {
    for (const document of Object.values(documents)) {
      for (const item of Object.values(document.paths) as Record<string, any>[]) {
        for (const operation of Object.values(item)) {
          for (const status of ["401", "403", "429", "503"]) {
            expect(operation.responses[status].content["application/problem+json"].schema).toEqual({ $ref: "#/components/schemas/Problem" });
            expect(Object.keys(operation.responses[status].headers)).toEqual(expect.arrayContaining(["RateLimit", "RateLimit-Policy"]));
          }
          expect(Object.keys(operation.responses["429"].headers)).toContain("Retry-After");
        }
      }
    }
  });
});

describe("the response checker the API tests use", () => {
  const headers = (type: string) => new Headers({ "content-type": type, ratelimit: '"default";r=9;t=60', "ratelimit-policy": '"default";q=10;w=60' });
  const record = {
    trn: "1234567",
    firstName: "Sam",
    middleName: null,
    lastName: "Taylor",
    dateOfBirth: "1999-01-02",
    dateOfBirthProvenance: "dqt",
    email: null,
    qtsDate: null,
    qtsRoute: null,
    eytsDate: null,
    inductionStatus: null,
    induction: { status: null, startDate: null, completedDate: null },
    npqs: [],
    mandatoryQualifications: [],
    initialTeacherTraining: [],
    teacherIdAccount: { exists: true, since: "2026-01-02T03:04:05.000Z" },
  };

  test("passes a response that matches, and names each way one does not", () => {
    const checker = createConformanceChecker(documents.records);
    const url = `${system.urls.records}/v2/teachers/1234567`;
    expect(checker.check("GET", url, { status: 200, headers: headers("application/json"), body: JSON.stringify(record) })).toEqual([]);
    const { lastName: _, ...missing } = record;
    expect(checker.check("GET", url, { status: 200, headers: headers("application/json"), body: JSON.stringify(missing) })).toEqual([
      "body must have required property 'lastName'",
    ]);
    const badDate = checker.check("GET", url, { status: 200, headers: headers("application/json"), body: JSON.stringify({ ...record, qtsDate: "1 July 2026" }) });
    expect(badDate).toContain('body/qtsDate must match format "date"');
    for (const problem of badDate) expect(problem).toStartWith("body/qtsDate ");
    expect(checker.check("GET", url, { status: 418, headers: headers("application/json"), body: "{}" })).toEqual([
      "status 418 is not documented for GET /v2/teachers/{trn}",
    ]);
    expect(checker.check("GET", url, { status: 404, headers: headers("application/json"), body: "{}" })[0]).toContain("content type application/json");
    expect(checker.check("GET", url, { status: 200, headers: new Headers({ "content-type": "application/json" }), body: JSON.stringify(record) })).toEqual([
      "no RateLimit / RateLimit-Policy fields",
    ]);
    expect(checker.check("DELETE", url, { status: 200, headers: headers("application/json"), body: "{}" })[0]).toContain("no operation");
  });
});

describe("/docs", () => {
  for (const service of ["identity", "records"] as const) {
    test(`${service}: a GOV.UK page listing every operation, field and answer, with nothing from another origin and no script`, async () => {
      const response = await fetch(`${system.urls[service]}/docs`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/html");
      const html = await response.text();
      const document = documents[service];
      for (const [path, item] of Object.entries(document.paths) as [string, Record<string, any>][]) {
        for (const [method, operation] of Object.entries(item)) {
          expect(html).toContain(`${method.toUpperCase()} ${path}`);
          expect(html).toContain(`id="${operation.operationId}"`);
        }
      }
      for (const name of Object.keys(document.components.schemas)) expect(html).toContain(`id="schema-${name}"`);
      expect(html).toContain('href="/openapi.json"');
      expect(html).not.toContain("<script");
      // Every resource the page loads is the service's own (the GOV.UK logo's link is a link, not a load).
      const loads = [...html.matchAll(/<(?:link|img|script)\b[^>]*\b(?:href|src)="([^"]+)"/g)].map((m) => m[1]);
      expect(loads.length).toBeGreaterThan(0);
      for (const url of loads) expect(url.startsWith("/")).toBe(true);
    });
  }

  test("records' page says what the IttOutcome fields are", async () => {
    const html = await (await fetch(`${system.urls.records}/docs`)).text();
    expect(html).toContain("one of: Pass, Fail, Withdrawn, Deferred, DeferredForSkillsTests");
    expect(html).toContain("ittProviderUkprn");
    expect(html).toContain("10001: no teacher with this TRN and date of birth.");
  });
});
