// The support console (/admin): thin routes from one table. Every route runs the guard
// (admin-page.ts) first: the address check, the staff member and their role, a rate limit on posts.
//
// Another feature's console routes mount here: `adminRoutes(deps, [plugin])`, where the plugin's
// routes (under /admin) take the resolver `staffResolver(deps)` and check the role themselves
// (`mayAct`). The hook below still refuses their requests from addresses outside ADMIN_ALLOWED_IPS
// and makes their answers `Cache-Control: no-store`.
import { Elysia, type AnyElysia } from "elysia";
import { clientIp } from "../../web/client-ip";
import type { AdminDeps } from "./admin-deps";
import { addressRefused } from "./admin-page";
import { clientRoutes } from "./clients/client-routes";
import { keyRoutes } from "./keys/key-routes";
import { signInRoutes, type ConsoleRouteEntry } from "./sign-in/sign-in-routes";
import { staffRoutes } from "./staff/staff-routes";
import { teacherRoutes, type TeacherPanel } from "./teachers/teacher-routes";
import { webhookRoutes } from "./webhooks/webhook-routes";

export type { ConsoleRouteEntry } from "./sign-in/sign-in-routes";
export type { TeacherPanel } from "./teachers/teacher-routes";

export const consolePrefix = "/admin";

const underConsole = (path: string) => path === consolePrefix || path.startsWith(`${consolePrefix}/`);

/** The ONE table of the console's own routes, with who may use each. */
export function consoleRouteTable(deps: AdminDeps, options: { teacherPanels?: TeacherPanel[] } = {}): ConsoleRouteEntry[] {
  return [...signInRoutes(deps), ...teacherRoutes(deps, options.teacherPanels), ...clientRoutes(deps), ...webhookRoutes(deps), ...staffRoutes(deps), ...keyRoutes(deps)];
}

export function adminRoutes(deps: AdminDeps, extraPlugins: AnyElysia[] = [], options: { teacherPanels?: TeacherPanel[] } = {}) {
  let app = new Elysia({ name: "identity-admin" })
    // Before routing, for every request under /admin (other features' routes too).
    .onRequest(({ request, set, server }) => {
      const path = new URL(request.url).pathname;
      if (!underConsole(path)) return;
      set.headers["cache-control"] = "no-store";
      if (deps.allowedIps && !deps.allowedIps(clientIp(request, server, deps.config.TRUST_PROXY))) {
        deps.logger.warn("admin_address_refused", { path });
        return addressRefused(deps);
      }
    });
  for (const route of consoleRouteTable(deps, options)) {
    if (route.get) app = app.get(route.path, route.get);
    if (route.post) app = app.post(route.path, route.post);
  }
  for (const plugin of extraPlugins) app = app.use(plugin);
  return app;
}
