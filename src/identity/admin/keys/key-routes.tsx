// Admin only: rotate identity's signing keys (as `teacher-id identity keys rotate`), with a
// confirmation, a reason and a SigningKeyRotated event by `staff:<id>`.
import { formFields, htmlResponse, seeOther } from "../../../web/html";
import { signingKeys } from "../../db/schema";
import type { AdminDeps } from "../admin-deps";
import { Table } from "../admin-forms";
import { ConfirmPage, ConsolePage, parseReason, SuccessBanner } from "../admin-layout";
import { consoleRoute } from "../admin-page";
import type { ConsoleRouteEntry } from "../sign-in/sign-in-routes";
import { ukTime } from "../../../mail/time-in-words";

export function keyRoutes(deps: AdminDeps): ConsoleRouteEntry[] {
  const brand = deps.brand;
  return [
    {
      path: "/admin/keys",
      access: "admin",
      get: consoleRoute(deps, "admin", (member, ctx) => {
        const done = new URL(ctx.request.url).searchParams.get("done");
        const when = (at: number | null) => (at === null ? "" : ukTime(at, { date: true }));
        const keys = deps.db.select({ kid: signingKeys.kid, alg: signingKeys.alg, createdAt: signingKeys.createdAt, retiredAt: signingKeys.retiredAt, publishUntil: signingKeys.publishUntil }).from(signingKeys).all();
        return htmlResponse(
          <ConsolePage title="Signing keys" brand={brand} member={member} wide>
            {done ? <SuccessBanner heading="New signing keys are in use" /> : ""}
            <h1 class="govuk-heading-l">Signing keys</h1>
            <Table
              id="keys"
              caption="Keys (public halves in /.well-known/jwks.json)"
              head={["Key ID", "Algorithm", "Created", "State"]}
              rows={keys.map((k) => [k.kid, k.alg, when(k.createdAt), k.retiredAt === null ? "Signing" : `Retired, published until ${when(k.publishUntil)}`])}
            />
            <a href="/admin/keys/rotate" class="govuk-button govuk-button--warning" data-module="govuk-button">
              Rotate signing keys
            </a>
          </ConsolePage>,
        );
      }),
    },
    {
      path: "/admin/keys/rotate",
      access: "admin",
      ...(() => {
        const handler = consoleRoute(deps, "admin", async (member, ctx) => {
          const form = formFields(ctx.body);
          const page = (error?: string) =>
            htmlResponse(
              <ConfirmPage
                brand={brand}
                member={member}
                csrfToken={ctx.csrfToken}
                title="Rotate signing keys"
                action="/admin/keys/rotate"
                backLink="/admin/keys"
                whatWillChange={[["Signing keys", "New ES256 and RS256 keys sign every token from now; the old public keys stay published until the tokens they signed expire"]]}
                button="Rotate signing keys"
                warningButton
                reason={form.reason}
                error={error}
              />,
              error ? 400 : 200,
            );
          if (ctx.request.method === "GET") return page();
          const reason = parseReason(form.reason);
          if (!reason.ok) return page(reason.message);
          const fresh = await deps.rotateSigningKeys(member.id, reason.value);
          deps.logger.info("admin_keys_rotated", { staff_id: member.id, kids: fresh.map((k) => k.kid) });
          return seeOther("/admin/keys?done=rotated");
        });
        return { get: handler, post: handler };
      })(),
    },
  ];
}
