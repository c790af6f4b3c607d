// GET /openapi.json (the document, for code generators) and GET /docs (the same, for people).
// Both are public: they describe the API, they give no access to it.
import { Elysia } from "elysia";
import { htmlResponse } from "../web/html";
import type { ServiceBrand } from "../web/layout";
import { ApiDocsPage } from "./docs-page";
import type { OpenApiDocument } from "./openapi-document";

export function openApiRoutes(options: { document: OpenApiDocument; brand: ServiceBrand; defaultRateLimit: number }) {
  const json = JSON.stringify(options.document, null, 2);
  // Rendered once: the document does not change while the service runs.
  const page = String(<ApiDocsPage document={options.document} brand={options.brand} defaultRateLimit={options.defaultRateLimit} />);
  return new Elysia({ name: `openapi-${options.brand.url}` })
    .get(
      "/openapi.json",
      () =>
        new Response(json, {
          headers: {
            "content-type": "application/json",
            "cache-control": "public, max-age=300",
            // Any tool may read it (an editor in a browser, a generator): it holds nothing private.
            "access-control-allow-origin": "*",
          },
        }),
    )
    .get("/docs", () => htmlResponse(page));
}
