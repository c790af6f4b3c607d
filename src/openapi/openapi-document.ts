// An OpenAPI 3.1 document generated from the operations' zod schemas (zod 4's JSON Schema output,
// draft 2020-12, the dialect OpenAPI 3.1 uses). Request bodies are described as the schema accepts
// them (io "input"), answers as the routes produce them (io "output"). Each service builds its
// document once, at start-up, and serves it at /openapi.json (openapi-routes.tsx).
import { z } from "zod";
import { commonProblems, openApiPath, type ApiOperation, type OperationResponse } from "./operation";
import { problemSchema } from "./problem-schema";
import { rateLimitHeaders } from "./rate-limit-headers";

type JsonSchema = Record<string, unknown>;

export interface OpenApiDocumentOptions {
  title: string;
  version: string;
  description: string;
  /** The service's public base URL. */
  serverUrl: string;
  /** identity's base URL: where tokens come from. */
  identityUrl: string;
  /** Every scope the operations need, with what it allows. */
  scopes: Record<string, string>;
  /** Named schemas, shown as components.schemas.<name>: every request and response body must be one. */
  components: Record<string, z.ZodType>;
  operations: ApiOperation[];
}

export type OpenApiDocument = {
  openapi: "3.1.1";
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, JsonSchema>>;
  components: { schemas: Record<string, JsonSchema> } & Record<string, unknown>;
} & Record<string, unknown>;

const componentRef = (name: string) => `#/components/schemas/${name}`;

/** zod -> JSON Schema (2020-12, the document's dialect, so no $schema of its own). */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const converted = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  delete converted.$schema;
  return converted;
}

export function openApiDocument(options: OpenApiDocumentOptions): OpenApiDocument {
  const components: Record<string, z.ZodType> = { Problem: problemSchema, ...options.components };
  const nameOf = new Map<z.ZodType, string>(Object.entries(components).map(([name, schema]) => [schema, name]));
  const requestBodies = new Set(options.operations.flatMap((op) => (op.body ? [op.body] : [])));

  // One registry per direction, so a component refers to the others by $ref.
  const registries = { input: z.registry<{ id: string }>(), output: z.registry<{ id: string }>() };
  for (const [name, schema] of Object.entries(components)) {
    registries[requestBodies.has(schema) ? "input" : "output"].add(schema, { id: name });
  }
  const schemas: Record<string, JsonSchema> = {};
  for (const io of ["input", "output"] as const) {
    const converted = z.toJSONSchema(registries[io], { io, unrepresentable: "any", uri: componentRef }) as { schemas: Record<string, JsonSchema> };
    for (const [name, schema] of Object.entries(converted.schemas)) {
      delete schema.$schema;
      delete schema.$id;
      schemas[name] = schema;
    }
  }

  const ref = (schema: z.ZodType, where: string) => {
    const name = nameOf.get(schema);
    if (!name) throw new Error(`${where}: give this schema a name in the document's components`);
    return { $ref: componentRef(name) };
  };

  const paths: OpenApiDocument["paths"] = {};
  for (const op of options.operations) {
    const where = `${op.method} ${op.path}`;
    const parameters = [
      ...parametersOf(op.params, "path"),
      ...parametersOf(op.query, "query"),
    ];
    const responses: Record<string, JsonSchema> = {};
    const all: Record<number, OperationResponse> = { ...commonProblems(), ...op.responses };
    for (const [status, response] of Object.entries(all).sort(([a], [b]) => Number(a) - Number(b))) {
      const headers: Record<string, unknown> = { ...rateLimitHeaders.refs };
      if (status === "429" || status === "503") headers["Retry-After"] = { $ref: "#/components/headers/Retry-After" };
      if (status === "401" || status === "403") headers["WWW-Authenticate"] = { $ref: "#/components/headers/WWW-Authenticate" };
      const content = response.problem
        ? { "application/problem+json": { schema: { $ref: componentRef("Problem") } } }
        : response.body
          ? { "application/json": { schema: ref(response.body, `${where} ${status}`) } }
          : response.file
            ? Object.fromEntries(response.file.map((type) => [type, { schema: { type: "string", contentMediaType: type } }]))
            : undefined;
      responses[status] = { description: response.description, headers, ...(content ? { content } : {}) };
    }
    const flows = op.tokenFor === "teacher" ? "teacher" : "client";
    (paths[openApiPath(op.path)] ??= {})[op.method.toLowerCase()] = {
      operationId: op.operationId,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: [op.tag],
      security: [{ [flows === "teacher" ? "teacherToken" : "clientToken"]: [op.scope] }],
      ...(parameters.length ? { parameters } : {}),
      ...(op.body ? { requestBody: { required: true, content: { [op.bodyType ?? "application/json"]: { schema: ref(op.body, `${where} body`) } } } } : {}),
      responses,
    };
  }

  const scopesFor = (tokenFor: "client" | "teacher") =>
    Object.fromEntries(
      Object.entries(options.scopes).filter(([scope]) => options.operations.some((op) => op.scope === scope && (op.tokenFor ?? "client") === tokenFor)),
    );
  const securitySchemes: Record<string, unknown> = {
    clientToken: {
      type: "oauth2",
      description: "An access token from Teacher ID's token endpoint with the client_credentials grant (client_secret_basic or client_secret_post).",
      flows: { clientCredentials: { tokenUrl: `${options.identityUrl}/token`, scopes: scopesFor("client") } },
    },
  };
  if (options.operations.some((op) => op.tokenFor === "teacher")) {
    securitySchemes.teacherToken = {
      type: "oauth2",
      description: "A signed-in teacher's access token, from the authorization code flow (PKCE S256) at Teacher ID.",
      flows: {
        authorizationCode: {
          authorizationUrl: `${options.identityUrl}/authorize`,
          tokenUrl: `${options.identityUrl}/token`,
          scopes: scopesFor("teacher"),
        },
      },
    };
  }

  return {
    openapi: "3.1.1",
    info: { title: options.title, version: options.version, description: options.description },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    servers: [{ url: options.serverUrl }],
    tags: [...new Set(options.operations.map((op) => op.tag))].map((name) => ({ name })),
    paths,
    components: { schemas, headers: rateLimitHeaders.components, securitySchemes },
  };
}

/** An object schema's properties as OpenAPI parameters. */
function parametersOf(schema: z.ZodObject | undefined, where: "path" | "query"): JsonSchema[] {
  if (!schema) return [];
  const converted = jsonSchema(schema, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(converted.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === "path" || (converted.required ?? []).includes(name),
      ...(typeof description === "string" ? { description } : {}),
      schema: rest,
    };
  });
}
