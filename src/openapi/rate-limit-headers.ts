// The response headers every API operation documents: the IETF RateLimit fields
// (draft-ietf-httpapi-ratelimit-headers-10), Retry-After on 429 and 503, and the bearer challenge.
export const rateLimitHeaders = {
  refs: {
    RateLimit: { $ref: "#/components/headers/RateLimit" },
    "RateLimit-Policy": { $ref: "#/components/headers/RateLimit-Policy" },
  },
  components: {
    RateLimit: {
      description:
        'The quota left under the policy that applies (draft-ietf-httpapi-ratelimit-headers-10 section 4): r requests remain for t seconds, e.g. `"default";r=997;t=42`. Sent once the request reaches the rate limiter.',
      schema: { type: "string" },
    },
    "RateLimit-Policy": {
      description:
        'The policy that applies (section 3): "default" is q requests per w seconds for this client, e.g. `"default";q=1000;w=60`; "failed-auth" is q failed authentications per w seconds from one address.',
      schema: { type: "string" },
    },
    "Retry-After": { description: "Seconds to wait before trying again.", schema: { type: "string" } },
    "WWW-Authenticate": { description: "The bearer challenge (RFC 6750 section 3).", schema: { type: "string" } },
  },
};
