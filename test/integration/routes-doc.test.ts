// docs/ROUTES.md is generated from the apps' own route lists (scripts/routes-table.ts, `make
// routes-doc`): this fails when a route was added, removed or given another method without
// regenerating it.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { collectRoutes, renderRoutesTable } from "../../scripts/routes-table";

test("docs/ROUTES.md lists every route of every service with its methods (run `make routes-doc` if this fails)", async () => {
  const routes = await collectRoutes();
  const fresh = renderRoutesTable(routes);
  // The table is not empty by accident: it names routes each service is known for.
  expect(fresh).toContain("| `/v2/teachers/{trn}/itt-outcome` | POST, PUT, OPTIONS | JSON |");
  expect(fresh).toContain("| `/trn-tokens` | POST, OPTIONS | JSON |");
  expect(fresh).toContain("| `/sign-out` | GET, HEAD, POST, OPTIONS | page |");
  for (const [service, list] of Object.entries(routes)) {
    for (const route of list.filter((r) => !r.path.startsWith("/assets/"))) {
      expect({ service, listed: fresh.includes(`\`${route.path.replace(/:(\w+)/g, "{$1}")}\``) }).toEqual({ service, listed: true });
    }
  }
  const committed = readFileSync(resolve(import.meta.dir, "../../docs/ROUTES.md"), "utf8");
  expect(committed).toBe(fresh);
});
