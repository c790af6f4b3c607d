// Which user claims each scope grants (ID token, access token and /userinfo).
import type { Account } from "../accounts/accounts";
import type { TrnLookup } from "../accounts/trn-lookup";

/**
 * The TRN rule: `trn` asks for the claim, and `dqt:read` (records' teacher API, which finds the
 * teacher by it) needs it too. Every place that puts a TRN in a token or a reply asks this.
 */
export function grantsTrnClaim(scopes: readonly string[]): boolean {
  return scopes.includes("trn") || scopes.includes("dqt:read");
}

/**
 * Claims for `scopes`, leaving out any the account does not have. With the TRN go
 * `trn_lookup_status` ("None" | "Pending" | "Found" | "Failed") and `trn_lookup_case` (a support
 * case's reference), when the caller gives `trnLookup` (accounts/trn-lookup.ts).
 */
export function claimsForScopes(account: Account, scopes: string[], trnLookup?: TrnLookup): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  const put = (name: string, value: unknown) => {
    if (value !== null && value !== undefined && value !== "") claims[name] = value;
  };
  if (scopes.includes("email")) {
    put("email", account.email);
    put("email_verified", account.emailVerified);
  }
  if (scopes.includes("phone") && account.phoneNumber) {
    put("phone_number", account.phoneNumber);
    put("phone_number_verified", account.phoneNumberVerified);
  }
  if (scopes.includes("profile")) {
    put("given_name", account.givenName);
    put("family_name", account.familyName);
    const name = [account.givenName, account.familyName].filter(Boolean).join(" ");
    put("name", name);
    put("preferred_name", account.preferredName);
    put("birthdate", account.birthdate);
  }
  if (grantsTrnClaim(scopes)) {
    put("trn", account.trn);
    if (trnLookup) {
      put("trn_lookup_status", trnLookup.status);
      put("trn_lookup_case", trnLookup.caseReference);
    }
  }
  return claims;
}


/** How long after an account's creation a sign-in still counts as the one that created it. */
const newAccountWindowMs = 10_000;

/**
 * The ID token's `new_account` claim: true when the session behind this authorization began with
 * the account's creation (a registration signs the teacher in in the same request that creates the
 * account, so auth_time follows created_at by milliseconds). Lets a client say "your account has been
 * created" once, truthfully; a later sign-in to the same account does not carry it (docs/CONTRACTS.md).
 */
export function newAccountClaim(account: Pick<Account, "createdAt">, authTime: number): { new_account?: true } {
  const since = authTime - account.createdAt;
  return since >= 0 && since <= newAccountWindowMs ? { new_account: true } : {};
}
