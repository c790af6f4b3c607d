// OAuth 2.0 error responses (RFC 6749 §5.2) and form parameter reading for the token endpoints.
import { readBodyText } from "../../web/request-body";

export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "invalid_scope"
  | "unsupported_token_type";

export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
  ) {
    super(description);
    this.name = "OAuthError";
  }
}

const noStore = { "cache-control": "no-store", pragma: "no-cache" };

export function oauthErrorResponse(error: OAuthError): Response {
  const headers: Record<string, string> = { "content-type": "application/json", ...noStore };
  let status = 400;
  if (error.error === "invalid_client") {
    status = 401;
    headers["www-authenticate"] = 'Basic realm="teacher-id", charset="UTF-8"';
  }
  return new Response(JSON.stringify({ error: error.error, error_description: error.description }), { status, headers });
}

export function jsonNoStore(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...noStore } });
}

/** Reads an application/x-www-form-urlencoded body; anything else is an invalid_request. */
export async function readForm(request: Request): Promise<URLSearchParams> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    throw new OAuthError("invalid_request", "The body must be application/x-www-form-urlencoded.");
  }
  return new URLSearchParams(await readBodyText(request));
}

/** One parameter; RFC 6749 §3.2: parameters must not be repeated. Empty counts as absent. */
export function param(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  if (values.length > 1) throw new OAuthError("invalid_request", `The parameter ${name} must not be repeated.`);
  return values[0] === "" ? undefined : values[0];
}

export function requiredParam(params: URLSearchParams, name: string): string {
  const value = param(params, name);
  if (value === undefined) throw new OAuthError("invalid_request", `The parameter ${name} is required.`);
  return value;
}
