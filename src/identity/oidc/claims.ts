// Which user claims each scope grants (ID token, access token and /userinfo).
import type { Account } from "../accounts/accounts";
import type { TrnLookup } from "../accounts/trn-lookup";
import { and, eq, gte, lte } from "drizzle-orm";
import type { IdentityDb } from "../db/database";
import { events } from "../db/schema";

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


/** How long before auth_time a registration still counts as this sign-in's. */
const newAccountWindowMs = 10_000;

/**
 * The ID token's `new_account` claim: true when the account was registered (its UserRegistered
 * event) in the sign-in behind this authorization. A registration signs the teacher in in the
 * request that creates the account, so auth_time follows the event by milliseconds; an account made
 * any other way (an import, the CLI) or signed in to later does not carry it (docs/CONTRACTS.md).
 */
export function newAccountClaim(db: IdentityDb, account: Pick<Account, "id">, authTime: number): { new_account?: true } {
  const registered = db
    .select({ id: events.id })
    .from(events)
    .where(
      and(
        eq(events.subject, account.id),
        eq(events.type, "UserRegistered"),
        gte(events.time, authTime - newAccountWindowMs),
        lte(events.time, authTime),
      ),
    )
    .limit(1)
    .get();
  return registered ? { new_account: true } : {};
}
