// Where identity's forms may send a browser: a journey's last POST answers with a redirect to the
// client's redirect URI, and the sign-out form with one to its post-logout redirect URI. Browsers
// apply CSP form-action to those redirects, so identity's pages allow exactly these origins.
import type { IdentityDatabaseFile } from "../db/database";
import { otherConnectionsVersion } from "../db/other-connections";
import { originsOf } from "../../web/security-headers";
import { listClients } from "./clients";

/**
 * The origins of every registered client's redirect and post-logout redirect URIs. The list is
 * read again only when another process has changed the database (e.g. `identity clients add`),
 * and is the same array until then.
 */
export function clientRedirectOrigins(db: IdentityDatabaseFile): () => readonly string[] {
  let version: number | undefined;
  let origins: readonly string[] = [];
  return () => {
    const now = otherConnectionsVersion(db);
    if (now !== version) {
      version = now;
      const next = originsOf(listClients(db).flatMap((c) => [...c.redirectUris, ...c.postLogoutRedirectUris]));
      if (next.join(" ") !== origins.join(" ")) origins = next;
    }
    return origins;
  };
}
