// GOV.UK Frontend's CSS, fonts and images, embedded in the binary and served under /assets.
// Files imported `with { type: "file" }` are bundled by `bun build --compile`.
import css from "govuk-frontend/dist/govuk/govuk-frontend.min.css" with { type: "file" };
import boldWoff from "govuk-frontend/dist/govuk/assets/fonts/bold-affa96571d-v2.woff" with { type: "file" };
import boldWoff2 from "govuk-frontend/dist/govuk/assets/fonts/bold-b542beb274-v2.woff2" with { type: "file" };
import lightWoff2 from "govuk-frontend/dist/govuk/assets/fonts/light-94a07e06a1-v2.woff2" with { type: "file" };
import lightWoff from "govuk-frontend/dist/govuk/assets/fonts/light-f591b13f7d-v2.woff" with { type: "file" };
import faviconIco from "govuk-frontend/dist/govuk/assets/images/favicon.ico" with { type: "file" };
import faviconSvg from "govuk-frontend/dist/govuk/assets/images/favicon.svg" with { type: "file" };
import crest from "govuk-frontend/dist/govuk/assets/images/govuk-crest.svg" with { type: "file" };
import icon180 from "govuk-frontend/dist/govuk/assets/images/govuk-icon-180.png" with { type: "file" };
import iconMask from "govuk-frontend/dist/govuk/assets/images/govuk-icon-mask.svg" with { type: "file" };
import manifest from "govuk-frontend/dist/govuk/assets/manifest.json" with { type: "file" };

const files: Record<string, { path: string; type: string }> = {
  "/assets/govuk-frontend.min.css": { path: css, type: "text/css; charset=utf-8" },
  "/assets/fonts/bold-affa96571d-v2.woff": { path: boldWoff, type: "font/woff" },
  "/assets/fonts/bold-b542beb274-v2.woff2": { path: boldWoff2, type: "font/woff2" },
  "/assets/fonts/light-94a07e06a1-v2.woff2": { path: lightWoff2, type: "font/woff2" },
  "/assets/fonts/light-f591b13f7d-v2.woff": { path: lightWoff, type: "font/woff" },
  "/assets/images/favicon.ico": { path: faviconIco, type: "image/x-icon" },
  "/assets/images/favicon.svg": { path: faviconSvg, type: "image/svg+xml" },
  "/assets/images/govuk-crest.svg": { path: crest, type: "image/svg+xml" },
  "/assets/images/govuk-icon-180.png": { path: icon180, type: "image/png" },
  "/assets/images/govuk-icon-mask.svg": { path: iconMask, type: "image/svg+xml" },
  "/assets/manifest.json": { path: manifest as unknown as string, type: "application/manifest+json" },
};

// Read once at start-up: the files are small and served on every page view.
const cache = new Map<string, Uint8Array>();

export async function assetResponse(pathname: string): Promise<Response | undefined> {
  const file = files[pathname];
  if (!file) return undefined;
  let body = cache.get(pathname);
  if (!body) {
    body = new Uint8Array(await Bun.file(file.path).arrayBuffer());
    cache.set(pathname, body);
  }
  return new Response(body, {
    headers: { "content-type": file.type, "cache-control": "public, max-age=86400" },
  });
}

export const assetPaths = Object.keys(files);
