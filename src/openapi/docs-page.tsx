// /docs: the OpenAPI document as a GOV.UK page a person can read, with no JavaScript and nothing
// from another origin. Every word of it comes from the document, so it says what /openapi.json says.
import { Page, type ServiceBrand } from "../web/layout";
import type { OpenApiDocument } from "./openapi-document";

type Schema = Record<string, any>;

const methods = ["get", "put", "post"];

/** A schema's type in words: "string (date) or null", "array of User", "one of: Pass, Fail". */
function typeText(schema: Schema | undefined): string {
  if (!schema || Object.keys(schema).length === 0) return "any";
  if (typeof schema.$ref === "string") return schema.$ref.split("/").pop()!;
  if (Array.isArray(schema.anyOf)) return schema.anyOf.map(typeText).join(" or ");
  if (Array.isArray(schema.enum)) return `one of: ${schema.enum.join(", ")}`;
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (Array.isArray(schema.type)) return schema.type.join(" or ");
  if (schema.type === "array") return `array of ${typeText(schema.items)}`;
  if (schema.type === "object" && schema.additionalProperties && typeof schema.additionalProperties === "object") {
    return `object of ${typeText(schema.additionalProperties)}`;
  }
  if (schema.format) return `${schema.type} (${schema.format})`;
  return String(schema.type ?? "any");
}

/** What else a reader needs: the description, a short pattern, bounds. */
function notes(schema: Schema): string {
  const parts: string[] = [];
  if (schema.description) parts.push(schema.description);
  if (typeof schema.pattern === "string" && schema.pattern.length <= 40 && !schema.format) parts.push(`Pattern: ${schema.pattern}`);
  if (schema.minimum !== undefined) parts.push(`At least ${schema.minimum}.`);
  if (schema.maximum !== undefined) parts.push(`At most ${schema.maximum}.`);
  if (schema.maxLength !== undefined) parts.push(`At most ${schema.maxLength} characters.`);
  if (Array.isArray(schema.examples)) parts.push(`Example: ${schema.examples.map((e: unknown) => JSON.stringify(e)).join(", ")}`);
  return parts.join(" ");
}

function TypeCell({ schema }: { schema: Schema }) {
  const text = typeText(schema);
  if (typeof schema.$ref === "string") {
    return (
      <a class="govuk-link" href={`#schema-${text}`} safe>
        {text}
      </a>
    );
  }
  return <span safe>{text}</span>;
}

function FieldTable({ caption, rows }: { caption: string; rows: { name: string; where?: string; required: boolean; schema: Schema }[] }) {
  return (
    <table class="govuk-table">
      <caption class="govuk-table__caption govuk-table__caption--s" safe>
        {caption}
      </caption>
      <thead class="govuk-table__head">
        <tr class="govuk-table__row">
          <th scope="col" class="govuk-table__header">Name</th>
          <th scope="col" class="govuk-table__header">Type</th>
          <th scope="col" class="govuk-table__header">Required</th>
          <th scope="col" class="govuk-table__header">Notes</th>
        </tr>
      </thead>
      <tbody class="govuk-table__body">
        {rows.map((row) => (
          <tr class="govuk-table__row">
            <th scope="row" class="govuk-table__header">
              <code class="govuk-!-text-break-word" safe>{row.name}</code>
              {row.where ? <span class="govuk-body-s" safe>{` (${row.where})`}</span> : ""}
            </th>
            <td class="govuk-table__cell">
              <TypeCell schema={row.schema} />
            </td>
            <td class="govuk-table__cell">{row.required ? "Yes" : "No"}</td>
            <td class="govuk-table__cell" safe>
              {notes(row.schema)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function schemaRows(schema: Schema) {
  const required: string[] = schema.required ?? [];
  return Object.entries((schema.properties ?? {}) as Record<string, Schema>).map(([name, property]) => ({
    name,
    required: required.includes(name),
    schema: property,
  }));
}

export function ApiDocsPage({ document, brand, defaultRateLimit }: { document: OpenApiDocument; brand: ServiceBrand; defaultRateLimit: number }) {
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    methods.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] as Schema })),
  );
  const schemes = (document.components.securitySchemes ?? {}) as Record<string, Schema>;
  const tokenUrl = schemes.clientToken?.flows?.clientCredentials?.tokenUrl as string | undefined;
  return (
    <Page title={`${document.info.title}: API documentation`} brand={brand}>
      <span class="govuk-caption-l">API documentation, version {document.info.version}</span>
      <h1 class="govuk-heading-xl" safe>
        {document.info.title}
      </h1>
      <p class="govuk-body" safe>
        {document.info.description}
      </p>
      <p class="govuk-body">
        The same description, as an OpenAPI 3.1 document for code generators:{" "}
        <a class="govuk-link" href="/openapi.json">
          /openapi.json
        </a>
        .
      </p>
      <h2 class="govuk-heading-l">Authentication and limits</h2>
      <p class="govuk-body">
        Every operation needs an OAuth 2.0 bearer access token from Teacher ID
        {tokenUrl ? (
          <>
            {" "}
            (<code class="govuk-!-text-break-word" safe>{tokenUrl}</code>, grant type <code class="govuk-!-text-break-word">client_credentials</code>)
          </>
        ) : (
          ""
        )}{" "}
        with the scope named below.
      </p>
      <p class="govuk-body">
        Each client may make {defaultRateLimit.toLocaleString("en-GB")} requests a minute to this service, unless it
        was registered with a limit of its own. Every
        answer says how many are left in the <code class="govuk-!-text-break-word">RateLimit</code> and <code class="govuk-!-text-break-word">RateLimit-Policy</code> headers
        (draft-ietf-httpapi-ratelimit-headers). Over the limit, the answer is 429 with <code class="govuk-!-text-break-word">Retry-After</code>.
      </p>
      <p class="govuk-body">
        Errors are <code class="govuk-!-text-break-word">application/problem+json</code> (<a class="govuk-link" href="#schema-Problem">Problem</a>).
      </p>
      <h2 class="govuk-heading-l">Operations</h2>
      <ul class="govuk-list">
        {operations.map(({ path, method, op }) => (
          <li>
            <a class="govuk-link" href={`#${op.operationId}`}>
              <code class="govuk-!-text-break-word" safe>{`${method.toUpperCase()} ${path}`}</code>
            </a>
            <span safe>{`: ${op.summary}`}</span>
          </li>
        ))}
      </ul>
      {operations.map(({ path, method, op }) => {
        const parameters = (op.parameters ?? []) as Schema[];
        const scopes = (op.security ?? []).flatMap((s: Schema) => Object.values(s).flat()) as string[];
        const [bodyType = "application/json"] = Object.keys(op.requestBody?.content ?? {});
        const body = op.requestBody?.content?.[bodyType]?.schema as Schema | undefined;
        return (
          <section class="govuk-!-margin-bottom-9">
            <h3 class="govuk-heading-m" id={op.operationId}>
              <code class="govuk-!-text-break-word" safe>{`${method.toUpperCase()} ${path}`}</code>
            </h3>
            <p class="govuk-body-l" safe>
              {op.summary}
            </p>
            {op.description ? (
              <p class="govuk-body" safe>
                {op.description}
              </p>
            ) : (
              ""
            )}
            <p class="govuk-body">
              Scope: <code class="govuk-!-text-break-word" safe>{scopes.join(" ")}</code>
            </p>
            {parameters.length ? (
              <FieldTable
                caption="Parameters"
                rows={parameters.map((p) => ({ name: p.name, where: p.in, required: Boolean(p.required), schema: { ...p.schema, description: p.description } }))}
              />
            ) : (
              ""
            )}
            {body ? (
              <p class="govuk-body">
                Request body (<code class="govuk-!-text-break-word" safe>{bodyType}</code>): <TypeCell schema={body} />
              </p>
            ) : (
              ""
            )}
            <table class="govuk-table">
              <caption class="govuk-table__caption govuk-table__caption--s">Responses</caption>
              <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                  <th scope="col" class="govuk-table__header">Status</th>
                  <th scope="col" class="govuk-table__header">Body</th>
                  <th scope="col" class="govuk-table__header">When</th>
                </tr>
              </thead>
              <tbody class="govuk-table__body">
                {Object.entries(op.responses as Record<string, Schema>).map(([status, response]) => {
                  const content = (response.content ?? {}) as Record<string, Schema>;
                  const [type] = Object.keys(content);
                  return (
                    <tr class="govuk-table__row">
                      <th scope="row" class="govuk-table__header" safe>
                        {status}
                      </th>
                      <td class="govuk-table__cell">{type ? <TypeCell schema={content[type].schema} /> : "None"}</td>
                      <td class="govuk-table__cell" safe>
                        {response.description}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </section>
        );
      })}
      <h2 class="govuk-heading-l">Schemas</h2>
      {Object.entries(document.components.schemas).map(([name, schema]) => (
        <section class="govuk-!-margin-bottom-7">
          <h3 class="govuk-heading-m" id={`schema-${name}`} safe>
            {name}
          </h3>
          {schema.description ? (
            <p class="govuk-body" safe>
              {String(schema.description)}
            </p>
          ) : (
            ""
          )}
          {schema.properties ? (
            <FieldTable caption={`${name} fields`} rows={schemaRows(schema)} />
          ) : (
            <p class="govuk-body">
              Type: <TypeCell schema={schema} />
            </p>
          )}
        </section>
      ))}
    </Page>
  );
}
