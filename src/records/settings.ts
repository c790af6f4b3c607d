// Settings that only the records service reads. Names are environment variables; see README "Configuration".
import { z } from "zod";
import { duration } from "../config/env-schema";

export const recordsSettings = z.object({
  /**
   * How long records keeps identity's answer to "is this teacher's access token still valid?"
   * (POST /introspect): a token revoked at identity is refused within this time.
   */
  INTROSPECTION_CACHE_TTL: duration("5s").pipe(z.number().max(60_000, "must be 60s or less: it is how long a revoked token still works")),
});
