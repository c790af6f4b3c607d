// GET /openapi.json (the document, for code generators) and GET /docs (the same, for people).
// Both are public: they describe the API, they give no access to it.
import { Elysia } from "elysia";
import { htmlResponse } from "../web/html";
import type { ServiceBrand } from "../web/layout";
import { ApiDocsPage } from "./docs-page";
import type { OpenApiDocument } from "./openapi-document";

/**
 * `document` is called at the first request for either page, not at start-up: building it (JSON
 * Schema from every operation's zod schemas) and rendering its page took a large share of start-up.
 */
export function openApiRoutes(options: { document: () => OpenApiDocument; brand: ServiceBrand; defaultRateLimit: number }) {
  let document: OpenApiDocument | undefined;
  const documentOnce = () => (document ??= options.document());
  // Each made once: the document does not change while the service runs.
  let json: string | undefined;
  let page: string | undefined;
  return new Elysia({ name: `openapi-${options.brand.url}` })
    .get(
      "/openapi.json",
      () =>
        new Response((json ??= JSON.stringify(documentOnce(), null, 2)), {
          headers: {
            "content-type": "application/json",
            "cache-control": "public, max-age=300",
            // Any tool may read it (an editor in a browser, a generator): it holds nothing private.
            "access-control-allow-origin": "*",
          },
        }),
    )
    .get("/docs", () =>
      htmlResponse(
        (page ??= String(<ApiDocsPage document={documentOnce()} brand={options.brand} defaultRateLimit={options.defaultRateLimit} />)),
      ),
    );
}
