// What access's features share: built once in service.tsx and passed to each routes file.
import type { ClientCredentials } from "../config/internal-clients";
import type { Logger } from "../log/logger";
import type { ServiceBrand } from "../web/layout";
import type { AccessDatabase } from "./db/database";
import type { IdentityProviderSource } from "./oidc/identity-provider";
import type { AccessConfig } from "./settings";

export interface AccessContext {
  config: AccessConfig;
  db: AccessDatabase;
  log: Logger;
  brand: ServiceBrand;
  /** True under https: cookies get Secure. */
  secure: boolean;
  /** identity's discovery document and keys (cached), and whether identity answers now. */
  identity: IdentityProviderSource;
  /** access's own client at identity; read when first needed, so serve can provision it first. */
  clientCredentials: () => ClientCredentials;
  /** The redirect URI registered at identity for access. */
  callbackUrl: string;
  /** Where identity sends the browser after RP-initiated logout. */
  signedOutUrl: string;
}

/** Scopes access asks for: who the teacher is, their TRN, and reading their record at records. */
export const accessScopes = ["openid", "email", "profile", "dqt:read", "trn"];

/** Navigation shown to a signed-in teacher ("/account" leads to identity's account page). */
export const signedInNavigation = [
  { text: "Your qualifications", href: "/qualifications" },
  { text: "Your Teacher ID account", href: "/account" },
  { text: "Sign out", href: "/sign-out" },
];
