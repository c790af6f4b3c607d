// "Your Teacher ID account" (/account): thin routes. Each page has one handler (handlers/); every
// page but the two "it is done" pages runs the account guard first (account-guard.ts): a signed-in
// session, a recent sign-in where the page changes how the account is reached, a rate limit on posts.
import { Elysia } from "elysia";
import { accountPage, type AccountHandler, type AccountPageOptions } from "./account-guard";
import type { AccountDeps } from "./account-service";
import { deletePage } from "./handlers/delete";
import { deleteCodePage, deletedPath } from "./handlers/delete-code";
import { emailPage } from "./handlers/email";
import { emailCodePage } from "./handlers/email-code";
import { emailSchoolPage } from "./handlers/email-school";
import { mobilePage } from "./handlers/mobile";
import { mobileCodePage } from "./handlers/mobile-code";
import { overviewPage } from "./handlers/overview";
import { preferredNamePage } from "./handlers/preferred-name";
import { removeAccessPage } from "./handlers/remove-access";
import { signedOutEverywherePath, signOutEverywherePage } from "./handlers/sign-out-everywhere";

interface AccountRoute {
  path: string;
  /** Needs a sign-in within recentSignInMs (changing how the account is reached). */
  recent?: boolean;
  /** Where a sign-in started here comes back to: the page itself unless it has no GET of its own. */
  returnTo?: string;
  show?: AccountHandler;
  answer?: AccountHandler;
}

export function accountRoutes(deps: AccountDeps) {
  const email = emailCodePage(deps);
  const mobile = mobilePage(deps);
  const mobileCode = mobileCodePage(deps);
  const signOut = signOutEverywherePage(deps);
  const deleteCode = deleteCodePage(deps);
  // The ONE table of /account's pages: GET shows, POST answers.
  const routes: AccountRoute[] = [
    { path: "/account", ...overviewPage(deps) },
    { path: "/account/email", recent: true, ...emailPage(deps) },
    { path: "/account/email/school", recent: true, ...emailSchoolPage(deps) },
    { path: "/account/email/code", recent: true, show: email.show, answer: email.answer },
    { path: "/account/email/resend", recent: true, returnTo: "/account/email", answer: email.resend },
    { path: "/account/mobile", recent: true, show: mobile.show, answer: mobile.answer },
    { path: "/account/mobile/remove", recent: true, returnTo: "/account/mobile", answer: mobile.remove },
    { path: "/account/mobile/code", recent: true, show: mobileCode.show, answer: mobileCode.answer },
    { path: "/account/mobile/resend", recent: true, returnTo: "/account/mobile", answer: mobileCode.resend },
    { path: "/account/preferred-name", ...preferredNamePage(deps) },
    { path: "/account/services/:clientId/remove", returnTo: "/account", ...removeAccessPage(deps) },
    { path: "/account/sign-out-everywhere", show: signOut.show, answer: signOut.answer },
    { path: "/account/delete", ...deletePage(deps) },
    { path: "/account/delete/code", show: deleteCode.show, answer: deleteCode.answer },
    { path: "/account/delete/resend", returnTo: "/account/delete", answer: deleteCode.resend },
  ];
  let app = new Elysia({ name: "identity-account" });
  for (const route of routes) {
    const options: AccountPageOptions = { returnTo: route.returnTo ?? route.path, needsRecentSignIn: route.recent };
    if (route.show) app = app.get(route.path, accountPage(deps, options, route.show));
    if (route.answer) app = app.post(route.path, accountPage(deps, options, route.answer));
  }
  return app.get(signedOutEverywherePath, () => signOut.done()).get(deletedPath, () => deleteCode.done());
}
