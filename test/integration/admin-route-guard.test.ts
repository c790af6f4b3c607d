// Every support console route checks the staff member and role on the server. The routes are read
// from identity's own app (servedRoutes), so a new route is tested without anyone listing it: for
// each, signed out, with a teacher's session, and (on admin routes) as `support`, a GET gets the
// sign-in page or 403 and a POST (with a valid CSRF token and a plausible form) 403, and identity's
// database is the same afterwards. Also: ADMIN_ALLOWED_IPS, and `Cache-Control: no-store`.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { servedRoutes } from "../../src/web/create-service-app";
import { randomToken, sha256 } from "../../src/security/tokens";
import { addStaff } from "../../src/identity/admin/staff/staff";
import { staffSessions, supportCases } from "../../src/identity/db/schema";
import { developmentPassphrase, unlockKeyVault } from "../../src/identity/keys/key-vault";
import { addSubscription } from "../../src/identity/webhooks/subscriptions";
import { startIdentity, type IdentityUnderTest } from "../helpers/identity-helpers";

let identity: IdentityUnderTest;
let supportCookie = "";
let adminCookie = "";
let teacherCookie = "";
const ids: Record<string, string> = {};
const csrf = randomToken();

/** The sign-in pages: the only console routes anyone may open. */
const publicRoutes = ["/admin/sign-in", "/admin/sign-in/code", "/admin/sign-in/enrol", "/admin/sign-in/totp", "/admin/sign-in/recovery"];
const adminOnlySections = ["clients", "webhooks", "staff", "keys"];

function staffSession(staffId: string): string {
  const id = randomToken();
  const now = Date.now();
  identity.db.insert(staffSessions).values({ idHash: sha256(id), staffId, email: "x", stage: "signed-in", createdAt: now, expiresAt: now + 3_600_000, lastSeenAt: now }).run();
  return `identity_admin=${id}`;
}

beforeAll(async () => {
  identity = await startIdentity();
  // A first start makes its RS256 key in the background: let it land before digests are compared.
  const deadline = Date.now() + 10_000;
  while ((identity.db.$client.query("SELECT count(*) AS n FROM signing_keys").get() as { n: number }).n < 2 && Date.now() < deadline) await Bun.sleep(20);
  const support = addStaff(identity.db, { email: "support@education.gov.uk", role: "support" });
  const admin = addStaff(identity.db, { email: "admin@education.gov.uk", role: "admin" });
  supportCookie = staffSession(support.id);
  adminCookie = staffSession(admin.id);
  const account = identity.addAccount();
  teacherCookie = identity.signIn(account.id);
  ids.sub = account.id;
  // An open support case ("Create an account without a link" found no record) for the /admin/cases routes.
  ids.case = "TID-ABCD-EFGH";
  const answers = JSON.stringify({ firstName: "Guard", lastName: "Case", previousLastName: null, dateOfBirth: "1980-01-01", identifier: { kind: "none" } });
  identity.db.insert(supportCases).values({ reference: ids.case, accountId: account.id, kind: "trn-lookup", answers, status: "open", createdAt: Date.now(), updatedAt: Date.now() }).run();
  identity.addClient({ clientId: "guarded-client", name: "Guarded", grantTypes: ["client_credentials"], scopes: ["teachers:read"] });
  ids.clientId = "guarded-client";
  const vault = await unlockKeyVault(identity.db, developmentPassphrase);
  ids.webhook = addSubscription(identity.db, vault.webhookSecretKey, { url: "http://127.0.0.1:9/hook", events: ["UserUpdated"] }).subscription.id;
  ids.staff = support.id;
  ids.admin = admin.id;
});
afterAll(() => identity.stop());

/** The console's routes as the app serves them, with their parameters filled in. */
function consoleRoutes(): { path: string; methods: string[] }[] {
  return servedRoutes(identity.system.system.apps.identity!)
    .filter((route) => route.path === "/admin" || route.path.startsWith("/admin/"))
    .map((route) => ({
      methods: route.methods.filter((m) => m === "GET" || m === "POST"),
      path: route.path
        .replace(":sub", ids.sub!)
        .replace(":clientId", ids.clientId!)
        .replace(":reference", route.path.startsWith("/admin/cases/") ? ids.case! : "CASE-ABCDEF")
        .replace(":id", route.path.startsWith("/admin/webhooks") ? ids.webhook! : ids.staff!),
    }));
}

/** Every table's rows but the rate-limit counters and staff sessions' last-seen times (which a refused request may touch). */
function digest(): string {
  const hash = createHash("sha256");
  const tables = identity.db.$client.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('rate_limits') ORDER BY name").all() as { name: string }[];
  for (const { name } of tables) {
    const rows = identity.db.$client.query(`SELECT * FROM "${name}" ORDER BY rowid`).all() as Record<string, unknown>[];
    if (name === "staff_sessions") for (const row of rows) delete row.last_seen_at;
    hash.update(name).update(JSON.stringify(rows));
  }
  return hash.digest("hex");
}

/** A form that would change something if the guard let it through. */
const plausibleForm = { trn: "1234567", confirm: "yes", reason: "Guard test", email: "changed@example.com", phone: "07700900999", role: "admin", name: "X", "client-id": "x-client", "grant-types": "client_credentials", scopes: "teachers:read", url: "http://127.0.0.1:9/x", events: "UserUpdated" };

async function send(method: string, path: string, cookie: string): Promise<Response> {
  const headers: Record<string, string> = { cookie: [`identity_csrf=${csrf}`, cookie].filter(Boolean).join("; ") };
  if (method === "GET") return fetch(identity.issuer + path, { headers, redirect: "manual" });
  return fetch(identity.issuer + path, {
    method,
    redirect: "manual",
    headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: csrf, ...plausibleForm }).toString(),
  });
}

describe("every console route checks who is asking", () => {
  test("the route list is read from the app and covers the console", () => {
    const paths = consoleRoutes().map((r) => r.path);
    expect(paths.length).toBeGreaterThan(20);
    for (const expected of ["/admin", "/admin/sign-in", `/admin/teachers/${ids.sub}/block`, "/admin/clients/add", "/admin/keys/rotate", `/admin/staff/${ids.staff}/set-role`]) expect(paths).toContain(expected);
    // support's operations (src/identity/support/), mounted through adminRoutes' plugin list.
    for (const expected of [`/admin/teachers/${ids.sub}/trn`, "/admin/new-link", "/admin/merge", "/admin/change-requests/CASE-ABCDEF", "/admin/change-requests/CASE-ABCDEF/evidence"]) expect(paths).toContain(expected);
    // Support cases (src/identity/support/support-case-routes.tsx).
    for (const expected of ["/admin/cases", `/admin/cases/${ids.case}`, `/admin/cases/${ids.case}/assign`, `/admin/cases/${ids.case}/close`]) expect(paths).toContain(expected);
  });

  test("signed out, or with a teacher's session: GET goes to the sign-in page, POST is 403, nothing changes", async () => {
    for (const route of consoleRoutes()) {
      if (publicRoutes.includes(route.path)) continue;
      for (const cookie of ["", teacherCookie]) {
        for (const method of route.methods) {
          const before = digest();
          const response = await send(method, route.path, cookie);
          const label = `${method} ${route.path} ${cookie ? "teacher" : "signed out"}`;
          if (method === "GET") {
            expect({ label, status: response.status, location: response.headers.get("location") }).toEqual({ label, status: 303, location: "/admin/sign-in" });
          } else {
            expect({ label, status: response.status }).toEqual({ label, status: 403 });
          }
          expect({ label, cache: response.headers.get("cache-control") }).toEqual({ label, cache: "no-store" });
          await response.arrayBuffer();
          expect({ label, same: digest() === before }).toEqual({ label, same: true });
        }
      }
    }
  });

  test("support on an admin route: 403 and nothing changes; support's own routes answer", async () => {
    for (const route of consoleRoutes()) {
      if (publicRoutes.includes(route.path)) continue;
      const adminOnly = adminOnlySections.includes(route.path.split("/")[2] ?? "");
      for (const method of route.methods) {
        const label = `${method} ${route.path}`;
        if (!adminOnly) {
          // Support may: a GET answers (not the sign-in redirect, not 403). records is not running
          // here, so a page that reads a change request from it says so (503) after the guard let it by.
          if (method === "GET") {
            const response = await send("GET", route.path, supportCookie);
            const expected = route.path.startsWith("/admin/change-requests/") ? 503 : 200;
            expect({ label, status: response.status }).toEqual({ label, status: expected });
          }
          continue;
        }
        const before = digest();
        const response = await send(method, route.path, supportCookie);
        expect({ label, status: response.status }).toEqual({ label, status: 403 });
        expect(await response.text()).toContain("Only admins can use this page");
        expect({ label, same: digest() === before }).toEqual({ label, same: true });
        // An admin gets the page (GET): the 403 is the role, not a broken route.
        if (method === "GET") expect({ label, status: (await send("GET", route.path, adminCookie)).status }).toEqual({ label, status: 200 });
      }
    }
  });

  test("a POST without the CSRF token is refused before anything (the web layer's check)", async () => {
    const before = digest();
    const response = await fetch(`${identity.issuer}/admin/teachers/${ids.sub}/block`, {
      method: "POST",
      headers: { cookie: supportCookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ confirm: "yes", reason: "no token" }).toString(),
    });
    expect(response.status).toBe(403);
    expect(digest()).toBe(before);
  });
});

test("the console never loses its last admin", async () => {
  const before = digest();
  for (const action of ["remove", "set-role"]) {
    const response = await send("POST", `/admin/staff/${ids.admin}/${action}`, adminCookie);
    expect(response.status).toBe(409);
    expect(await response.text()).toContain("This is the only admin");
  }
  expect(digest()).toBe(before);
});

describe("rate limits per staff member", () => {
  test("searches: after 120 in the window, 429 with Retry-After for that staff member only", async () => {
    for (let i = 0; i < 120; i++) expect((await send("GET", `/admin?q=search${i}`, supportCookie)).status).toBe(200);
    const refused = await send("GET", "/admin?q=one-more", supportCookie);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.text()).toContain("You have searched too many times");
    expect((await send("GET", "/admin?q=one-more", adminCookie)).status).toBe(200);
  });

  test("form posts: after 120 in the window, 429 and no change", async () => {
    const member = staffSession(ids.staff!);
    // A post that changes nothing (no reason): counted all the same.
    for (let i = 0; i < 120; i++) expect((await send("POST", `/admin/teachers/${ids.sub}/unblock`, `${member}`).then((r) => r.status))).not.toBe(429);
    const before = digest();
    const refused = await send("POST", `/admin/teachers/${ids.sub}/block`, member);
    expect(refused.status).toBe(429);
    expect(digest()).toBe(before);
  });
});

describe("ADMIN_ALLOWED_IPS", () => {
  test("outside the list, every console address is 403 (the sign-in page too); the rest of identity answers", async () => {
    const restricted = await startIdentity({ env: { ADMIN_ALLOWED_IPS: "203.0.113.0/24, 2001:db8::/32" } });
    try {
      for (const path of ["/admin", "/admin/sign-in", "/admin/clients", "/admin/merge", "/admin/new-link"]) {
        const response = await fetch(restricted.issuer + path, { redirect: "manual" });
        expect(response.status).toBe(403);
        expect(response.headers.get("cache-control")).toBe("no-store");
        expect(await response.text()).toContain("cannot be reached from your network");
      }
      expect((await fetch(`${restricted.issuer}/`)).status).toBe(200);
    } finally {
      await restricted.stop();
    }
  });
});
