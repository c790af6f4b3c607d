// Headers every response carries (DESIGN "Pages"). Pages use no inline script, so CSP can be strict.
//
// form-action names exactly where a form on this service may send the browser: itself, plus the
// origins a form's answer redirects to (browsers apply form-action to those redirects too): for
// identity, its clients' redirect URIs (a journey's last POST returns to the client); for access,
// identity (its sign-out form continues at identity's end-session).
export function contentSecurityPolicy(formActionOrigins: readonly string[]): string {
  const formAction = ["'self'", ...formActionOrigins].join(" ");
  return (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
    `object-src 'none'; base-uri 'none'; form-action ${formAction}; frame-ancestors 'none'`
  );
}

export function securityHeaders(formActionOrigins: readonly string[], secure: boolean): Record<string, string> {
  return {
    "content-security-policy": contentSecurityPolicy(formActionOrigins),
    "x-content-type-options": "nosniff",
    // Pages carry tokens in their URLs (trn_token, code); never leak them to another site.
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
    ...(secure ? { "strict-transport-security": "max-age=31536000; includeSubDomains" } : {}),
  };
}

/** The origins (scheme://host:port) of these URLs, once each, in order; unparsable ones are skipped. */
export function originsOf(urls: Iterable<string>): string[] {
  const origins = new Set<string>();
  for (const url of urls) {
    try {
      const { origin, protocol } = new URL(url);
      if (protocol === "https:" || protocol === "http:") origins.add(origin);
    } catch {
      // not a URL: nothing to allow
    }
  }
  return [...origins];
}
