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

/** Whether the request's path is under /admin, read from the URL without parsing it (this runs on every request). */
function underConsole(url: string): boolean {
  const pathStart = url.indexOf("/", url.indexOf("//") + 2);
  if (pathStart < 0 || !url.startsWith(consolePrefix, pathStart)) return false;
  const next = url[pathStart + consolePrefix.length];
  return next === undefined || next === "/" || next === "?" || next === "#";
}

/** The ONE table of the console's own routes, with who may use each. */
export function consoleRouteTable(deps: AdminDeps, options: { teacherPanels?: TeacherPanel[] } = {}): ConsoleRouteEntry[] {
  return [...signInRoutes(deps), ...teacherRoutes(deps, options.teacherPanels), ...clientRoutes(deps), ...webhookRoutes(deps), ...staffRoutes(deps), ...keyRoutes(deps)];
}

export { underConsole as isConsoleUrl };

export function adminRoutes(deps: AdminDeps, extraPlugins: AnyElysia[] = [], options: { teacherPanels?: TeacherPanel[] } = {}) {
  let app = new Elysia({ name: "identity-admin" })
    // Before routing, for every request under /admin (other features' routes too).
    .onRequest(({ request, set, server }) => {
      if (!underConsole(request.url)) return;
      set.headers["cache-control"] = "no-store";
      if (deps.allowedIps && !deps.allowedIps(clientIp(request, server, deps.config.TRUST_PROXY))) {
        deps.logger.warn("admin_address_refused", { path: new URL(request.url).pathname });
        return addressRefused(deps);
      }
    });
  for (const route of consoleRouteTable(deps, options)) {
    if (route.get) app = app.get(route.path, route.get);
    if (route.post) app = app.post(route.path, route.post);
  }
  // A Response another feature's route returns keeps its own headers: make it no-store too (a
  // local hook: it runs only for the routes mounted after it, here).
  let extras = new Elysia().onAfterHandle(({ response }) => {
    if (response instanceof Response) response.headers.set("cache-control", "no-store");
  });
  for (const plugin of extraPlugins) extras = extras.use(plugin);
  return app.use(extras);
}
