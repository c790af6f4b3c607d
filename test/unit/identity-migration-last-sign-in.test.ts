// Identity migration 0003 adds accounts.last_signed_in_at (for `identity accounts list|show`) and
// fills it, for accounts that signed in before it existed, from their latest stored session.
import { expect, test } from "bun:test";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { migrations } from "../../db/identity/migrations";
import { applyMigrations, openSqlite } from "../../src/db/open-database";

test("upgrading fills the last sign-in from each account's newest session, and leaves it empty without one", () => {
  const sqlite = openSqlite(":memory:");
  const db = drizzle({ client: sqlite });
  const at = migrations.findIndex((m) => m.sql.join("").includes("last_signed_in_at"));
  expect(at).toBe(3);
  applyMigrations(db, migrations.slice(0, at));
  const account = (id: string, email: string) =>
    sqlite.run(`INSERT INTO accounts (id, email, created_at, updated_at) VALUES ('${id}', '${email}', 1, 1)`);
  account("signed-in", "a@example.com");
  account("never", "b@example.com");
  for (const [hash, authTime] of [["s1", 1000], ["s2", 3000], ["s3", 2000]] as const) {
    sqlite.run(`INSERT INTO sessions (id_hash, account_id, auth_time, created_at, expires_at) VALUES ('${hash}', 'signed-in', ${authTime}, ${authTime}, 9999)`);
  }

  applyMigrations(db, migrations);

  expect(sqlite.query("SELECT id, last_signed_in_at FROM accounts ORDER BY id").all()).toEqual([
    { id: "never", last_signed_in_at: null },
    { id: "signed-in", last_signed_in_at: 3000 },
  ]);
  sqlite.close();
});
