// Headers every response carries (DESIGN "Pages"). Pages use no inline script, so CSP can be strict.
export const securityHeaders: Record<string, string> = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'self' http: https:; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  // Pages carry tokens in their URLs (trn_token, code); never leak them to another site.
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=()",
};

export function applySecurityHeaders(headers: Record<string, unknown>, secure: boolean): void {
  Object.assign(headers, securityHeaders);
  if (secure) headers["strict-transport-security"] = "max-age=31536000; includeSubDomains";
}
