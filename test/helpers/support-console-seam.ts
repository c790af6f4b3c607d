// TEST ONLY. Mounts src/identity/support/'s routes the way the console will, but with a stand-in for
// the staff guard: the acting staff member comes from the `x-test-staff` header ("id:role"). This seam
// exists only in tests: the real service mounts the routes behind the console's staff guard
// (src/identity/admin/staff-guard.ts), and nothing in src/ reads this header.
//
// It runs in the test process on a port of its own, against the identity database of a running
// system (the built binary): what it writes (accounts, events, outbox rows) is what that identity
// sends (its outbox worker delivers the emails and webhooks), and it calls records and identity over
// HTTP with identity's own client credentials, as the real service does.
import type { Server } from "bun";
import { createClientCredentialsTokenSource } from "../../src/auth/client-credentials";
import { internalClientCredentials, type InternalClientConfig } from "../../src/config/internal-clients";
import { openIdentityDatabase, type IdentityDatabaseFile } from "../../src/identity/db/database";
import { createTeacherLookup } from "../../src/identity/register/records-client";
import { createRecordsSupportClient, type RecordsSupportClient } from "../../src/identity/support/records-support-client";
import type { StaffMember } from "../../src/identity/support/staff";
import { supportOperationRoutes, type SupportDeps } from "../../src/identity/support/support-routes";
import { createLogger } from "../../src/log/logger";
import { createServiceApp } from "../../src/web/create-service-app";
import { freePort } from "./ports";

export const testStaffHeader = "x-test-staff";

/** Test only: `x-test-staff: s-1:support` -> { id: "s-1", role: "support" }. */
export function staffFromTestHeader(request: Request): StaffMember | null {
  const value = request.headers.get(testStaffHeader);
  const match = value ? /^([\w-]+):(support|admin)$/.exec(value) : null;
  return match ? { id: match[1]!, email: `${match[1]}@staff.example.gov.uk`, role: match[2] as StaffMember["role"] } : null;
}

export interface SupportConsoleSeam {
  url: string;
  db: IdentityDatabaseFile;
  records: RecordsSupportClient;
  stop(): void;
}

export function startSupportConsoleSeam(options: {
  dataDir: string;
  urls: { identity: string; records: string; access: string };
  config: InternalClientConfig;
  newLink?: Partial<SupportDeps["newLink"]>;
  postsPerMinute?: number;
}): SupportConsoleSeam {
  const logger = createLogger({ level: "error", write: () => {} });
  const db = openIdentityDatabase(options.dataDir);
  const tokens = createClientCredentialsTokenSource({
    tokenUrl: `${options.urls.identity}/token`,
    credentials: () => internalClientCredentials(options.config, "identity"),
    scope: "teachers:read support:read support:write",
  });
  const records = createRecordsSupportClient({ recordsUrl: options.urls.records, tokens, logger });
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const brand = { name: "Teacher ID", url };
  const app = createServiceApp({ service: "identity", brand, logger, secure: false, apiPrefixes: [], healthCheck: () => {} }).use(
    supportOperationRoutes(
      {
        db,
        brand,
        logger,
        findTeacher: createTeacherLookup({ recordsUrl: options.urls.records, tokens, logger }),
        records,
        newLink: {
          registerUrl: `${options.urls.access}/register`,
          clientId: internalClientCredentials(options.config, "access").clientId,
          ttlMs: 30 * 86_400_000,
          perStaffPerHour: 20,
          perAddressPerHour: 3,
          ...options.newLink,
        },
        postsPerMinute: options.postsPerMinute ?? 100,
      },
      staffFromTestHeader,
    ),
  );
  app.listen({ port, hostname: "127.0.0.1" });
  return {
    url,
    db,
    records,
    stop() {
      (app.server as Server<unknown> | null)?.stop(true);
      db.$client.close();
    },
  };
}
