// GET /: the start page, for a teacher who comes without a link from an email; and GET /account,
// the header's "Your Teacher ID account", which is identity's page.
import { Elysia } from "elysia";
import { htmlResponse, seeOther } from "../../web/html";
import { Page } from "../../web/layout";
import { signedInNavigation, type AccessContext } from "../context";
import { readSession } from "../sessions/session";

export function startRoutes(ctx: AccessContext) {
  const app = new Elysia({ name: "access-start" }).get("/", ({ request }) => {
    const signedIn = readSession(ctx.db, request.headers.get("cookie")) !== null;
    return htmlResponse(
      <Page title="Access your teaching qualifications" brand={ctx.brand} navigation={signedIn ? signedInNavigation : undefined}>
        <div class="govuk-grid-row">
          <div class="govuk-grid-column-two-thirds">
            <h1 class="govuk-heading-xl">Access your teaching qualifications</h1>
            <p class="govuk-body">Use this service to:</p>
            <ul class="govuk-list govuk-list--bullet">
              <li>see your qualified teacher status (QTS), initial teacher training and induction</li>
              <li>download your QTS certificate</li>
            </ul>
            <p class="govuk-body">You sign in with your Teacher ID account. If you already have one, start here.</p>
            {signedIn ? (
              <a href="/qualifications" role="button" draggable="false" class="govuk-button" data-module="govuk-button">
                Go to your qualifications
              </a>
            ) : (
              <a href="/sign-in" role="button" draggable="false" class="govuk-button govuk-button--start" data-module="govuk-button">
                Start now
                <svg class="govuk-button__start-icon" xmlns="http://www.w3.org/2000/svg" width="17.5" height="19" viewBox="0 0 33 40" aria-hidden="true" focusable="false">
                  <path fill="currentColor" d="M0 0h13l20 20-20 20H0l20-20z" />
                </svg>
              </a>
            )}
            <h2 class="govuk-heading-m">If you do not have a Teacher ID account</h2>
            <p class="govuk-body">
              When you are awarded QTS, we email you a link to create your Teacher ID account. Use the link in that email: it
              connects your new account to your teaching record.
            </p>
            <p class="govuk-body">
              If you do not have a link,{" "}
              <a class="govuk-link" href="/create-account">
                create an account without a link
              </a>
              . We will ask some questions to find your teaching record.
            </p>
          </div>
        </div>
      </Page>,
    );
  });
  return app.get("/account", () => seeOther(`${ctx.config.urls.identity}/account`));
}
