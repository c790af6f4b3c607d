// A grant ties together what one authorization issued. Revoking it stops its refresh tokens and
// makes /userinfo refuse its access tokens; the three ways in (a reused code, a reused refresh
// token, POST /revoke) all come here.
import { and, eq, isNull } from "drizzle-orm";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import { grants } from "../db/schema";

export function revokeGrant(db: BaseSQLiteDatabase<"sync", unknown, any, any>, grantId: string, now = Date.now()): void {
  db.update(grants).set({ revokedAt: now }).where(and(eq(grants.id, grantId), isNull(grants.revokedAt))).run();
}
