// Where finding an account's teaching record stands, for the trn_lookup_status and trn_lookup_case
// claims (released with `trn`, like the real Teacher ID's): "Found" once the account has a TRN;
// "Pending" while a support case looks for it (src/identity/find-record/support-cases.ts);
// "Failed" when support closed the case without one; otherwise "None".
import { desc, eq, sql } from "drizzle-orm";
import { perConnection } from "../../db/per-connection";
import type { IdentityDb } from "../db/database";
import { supportCases } from "../db/schema";
import type { Account } from "./accounts";

export type TrnLookupStatus = "None" | "Pending" | "Found" | "Failed";

export interface TrnLookup {
  status: TrnLookupStatus;
  /** The reference of the account's latest support case, if it has one. */
  caseReference: string | null;
}

// Read for every token with `trn` in its scope: prepared once per connection (db/per-connection).
const latestCase = perConnection((db: IdentityDb) =>
  db
    .select({ reference: supportCases.reference, status: supportCases.status })
    .from(supportCases)
    .where(eq(supportCases.accountId, sql.placeholder("accountId")))
    .orderBy(desc(supportCases.createdAt))
    .limit(1)
    .prepare(),
);

export function trnLookupOf(db: IdentityDb, account: Pick<Account, "id" | "trn">): TrnLookup {
  const latest = latestCase(db).get({ accountId: account.id });
  const caseReference = latest?.reference ?? null;
  if (account.trn !== null) return { status: "Found", caseReference };
  if (latest?.status === "open") return { status: "Pending", caseReference };
  if (latest?.status === "closed") return { status: "Failed", caseReference };
  return { status: "None", caseReference };
}
