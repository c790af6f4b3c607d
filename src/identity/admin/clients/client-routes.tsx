// Admin only: the OAuth clients (as `teacher-id identity clients add|list|remove|rotate-secret`),
// each change with a confirmation, a reason and a ClientChanged event by `staff:<id>`. A new or
// rotated secret is shown once.
import { ukTime } from "../../../mail/time-in-words";
import { formFields, htmlResponse, seeOther } from "../../../web/html";
import { ErrorSummary } from "../../../web/layout";
import { fieldErrors } from "../../../web/problem";
import { ClientExistsError, createClient, findClient, grantTypes, knownScopes, listClients, newClientSchemaFor, removeClient, rotateClientSecret } from "../../clients/clients";
import { actor } from "../../events/events";
import { Button, ErrorMessage, PostForm, TextField } from "../../journey/components";
import type { AdminDeps } from "../admin-deps";
import { firstErrors, SecretShownOncePage, Table } from "../admin-forms";
import { ConfirmPage, ConsolePage, ForbiddenPage, parseReason, SuccessBanner } from "../admin-layout";
import { consoleRoute } from "../admin-page";
import type { ConsoleRouteEntry } from "../sign-in/sign-in-routes";
import type { StaffMember } from "../staff-guard";

const lines = (value: string | undefined) => (value ?? "").split(/[\s,]+/).filter(Boolean);
const fieldLabels: Record<string, string> = { clientId: "client-id", name: "name", grantTypes: "grant-types", scopes: "scopes", redirectUris: "redirect-uris", postLogoutRedirectUris: "redirect-uris", initiateLoginUri: "redirect-uris", rateLimit: "rate-limit" };

function AddClientPage(props: { brand: AdminDeps["brand"]; member: StaffMember; csrfToken: string; form?: Record<string, string>; errors?: Record<string, string> }): JSX.Element {
  const f = props.form ?? {};
  const e = props.errors ?? {};
  return (
    <ConsolePage title="Add a client" brand={props.brand} member={props.member} hasErrors={Object.keys(e).length > 0} backLink="/admin/clients">
      <ErrorSummary errors={e} />
      <h1 class="govuk-heading-l">Add a client</h1>
      <PostForm action="/admin/clients/add" csrfToken={props.csrfToken}>
        <TextField id="name" label="Name (what teachers see)" value={f.name} error={e.name} />
        <TextField id="client-id" label="Client ID" hint="3 to 64 letters, digits, dots, dashes or underscores" value={f["client-id"]} error={e["client-id"]} spellcheck={false} />
        <TextField id="grant-types" label="Grant types" hint={`Comma-separated: ${grantTypes.join(", ")}`} value={f["grant-types"]} error={e["grant-types"]} spellcheck={false} />
        <TextField id="scopes" label="Scopes" hint={`Space- or comma-separated: ${knownScopes.join(", ")}`} value={f.scopes} error={e.scopes} spellcheck={false} />
        <div class={e["redirect-uris"] ? "govuk-form-group govuk-form-group--error" : "govuk-form-group"}>
          <label class="govuk-label" for="redirect-uris">
            Redirect URIs (authorization_code only)
          </label>
          <div class="govuk-hint" id="redirect-uris-hint">
            One a line; https:// (http://localhost in development only)
          </div>
          <ErrorMessage id="redirect-uris" message={e["redirect-uris"]} />
          <textarea class="govuk-textarea" id="redirect-uris" name="redirect-uris" rows="3" aria-describedby="redirect-uris-hint" safe>
            {f["redirect-uris"] ?? ""}
          </textarea>
        </div>
        <TextField id="rate-limit" label="Rate limit (requests a minute, optional)" value={f["rate-limit"]} error={e["rate-limit"]} inputmode="numeric" widthClass="govuk-input--width-10" />
        <Button text="Continue" />
      </PostForm>
    </ConsolePage>
  );
}

export function clientRoutes(deps: AdminDeps): ConsoleRouteEntry[] {
  const brand = deps.brand;
  const by = (member: StaffMember, reason: string) => ({ by: actor.staff(member.id), reason });
  const confirmRemoveOrRotate = (action: "remove" | "rotate-secret") =>
    consoleRoute(deps, "admin", (member, ctx) => {
      const client = findClient(deps.db, ctx.params?.clientId ?? "");
      if (!client) return htmlResponse(ForbiddenPage({ brand, member, message: "There is no such client." }), 404);
      const form = formFields(ctx.body);
      const page = (error?: string) =>
        htmlResponse(
          <ConfirmPage
            brand={brand}
            member={member}
            csrfToken={ctx.csrfToken}
            title={action === "remove" ? "Remove this client" : "Rotate this client's secret"}
            action={`/admin/clients/${encodeURIComponent(client.clientId)}/${action}`}
            backLink="/admin/clients"
            whatWillChange={
              action === "remove"
                ? [["Client", `${client.clientId} (${client.name}) will be removed: it can get no more tokens, and its tokens stop as they expire`]]
                : [["Secret", `${client.clientId} gets a new secret, shown once; the old secret stops working at once`]]
            }
            button={action === "remove" ? "Remove client" : "Rotate secret"}
            warningButton={action === "remove"}
            reason={form.reason}
            error={error}
          />,
          error ? 400 : 200,
        );
      if (ctx.request.method === "GET") return page();
      const reason = parseReason(form.reason);
      if (!reason.ok) return page(reason.message);
      if (action === "remove") {
        removeClient(deps.db, client.clientId, by(member, reason.value));
        return seeOther("/admin/clients?done=removed");
      }
      const secret = rotateClientSecret(deps.db, client.clientId, { ...by(member, reason.value), now: deps.now() });
      if (!secret) return htmlResponse(ForbiddenPage({ brand, member, message: "There is no such client." }), 404);
      return htmlResponse(<SecretShownOncePage brand={brand} member={member} title="New client secret" lines={[["client_id", client.clientId], ["client_secret", secret]]} backLink="/admin/clients" backText="Back to clients" />);
    });

  return [
    {
      path: "/admin/clients",
      access: "admin",
      get: consoleRoute(deps, "admin", (member, ctx) => {
        const done = new URL(ctx.request.url).searchParams.get("done");
        return htmlResponse(
          <ConsolePage title="Clients" brand={brand} member={member} wide>
            {done === "removed" ? <SuccessBanner heading="The client has been removed" /> : ""}
            <h1 class="govuk-heading-l">Clients</h1>
            <a href="/admin/clients/add" class="govuk-button" data-module="govuk-button">
              Add a client
            </a>
            <Table
              id="clients"
              caption="Registered clients"
              head={["Client ID", "Name", "Grant types", "Scopes", "Secret rotated", "Actions"]}
              rows={listClients(deps.db).map((c) => [
                c.clientId,
                c.name,
                c.grantTypes.join(", "),
                c.scopes.join(" "),
                c.secretRotatedAt ? ukTime(c.secretRotatedAt, { date: true }) : "Never",
                <span>
                  <a class="govuk-link" href={`/admin/clients/${encodeURIComponent(c.clientId)}/rotate-secret`}>
                    Rotate secret<span class="govuk-visually-hidden" safe>{` of ${c.clientId}`}</span>
                  </a>{" "}
                  <a class="govuk-link" href={`/admin/clients/${encodeURIComponent(c.clientId)}/remove`}>
                    Remove<span class="govuk-visually-hidden" safe>{` ${c.clientId}`}</span>
                  </a>
                </span>,
              ])}
            />
          </ConsolePage>,
        );
      }),
    },
    {
      path: "/admin/clients/add",
      access: "admin",
      get: consoleRoute(deps, "admin", (member, ctx) => htmlResponse(<AddClientPage brand={brand} member={member} csrfToken={ctx.csrfToken} />)),
      post: consoleRoute(deps, "admin", (member, ctx) => {
        const form = formFields(ctx.body);
        const parsed = newClientSchemaFor(deps.config.ENVIRONMENT).safeParse({
          clientId: form["client-id"],
          name: form.name,
          grantTypes: lines(form["grant-types"]),
          scopes: lines(form.scopes),
          redirectUris: lines(form["redirect-uris"]),
          postLogoutRedirectUris: [],
          rateLimit: form["rate-limit"] || undefined,
        });
        if (!parsed.success) {
          const errors: Record<string, string> = {};
          for (const [field, message] of Object.entries(firstErrors(fieldErrors(parsed.error)))) {
            const id = fieldLabels[field] ?? "name";
            errors[id] ??= `${id.replace("-", " ")} ${message}`.replace(/^./, (c) => c.toUpperCase());
          }
          return htmlResponse(<AddClientPage brand={brand} member={member} csrfToken={ctx.csrfToken} form={form} errors={errors} />, 400);
        }
        const client = parsed.data;
        const hidden: Record<string, string> = { name: form.name ?? "", "client-id": form["client-id"] ?? "", "grant-types": form["grant-types"] ?? "", scopes: form.scopes ?? "", "redirect-uris": form["redirect-uris"] ?? "", "rate-limit": form["rate-limit"] ?? "" };
        const confirm = (error?: string) =>
          htmlResponse(
            <ConfirmPage
              brand={brand}
              member={member}
              csrfToken={ctx.csrfToken}
              title="Add this client"
              action="/admin/clients/add"
              backLink="/admin/clients/add"
              whatWillChange={[
                ["Client ID", client.clientId],
                ["Name", client.name],
                ["Grant types", client.grantTypes.join(", ")],
                ["Scopes", client.scopes.join(" ")],
                ["Redirect URIs", client.redirectUris.join(" ") || "None"],
                ["Rate limit", client.rateLimit === null ? "API_RATE_LIMIT" : `${client.rateLimit} a minute`],
              ]}
              hidden={hidden}
              button="Add client"
              reason={form.reason}
              error={error}
            />,
            error ? 400 : 200,
          );
        if (form.confirm !== "yes") return confirm();
        const reason = parseReason(form.reason);
        if (!reason.ok) return confirm(reason.message);
        try {
          const { secret } = createClient(deps.db, client, { ...by(member, reason.value), now: deps.now() });
          deps.logger.info("admin_client_added", { staff_id: member.id, client_id: client.clientId });
          return htmlResponse(<SecretShownOncePage brand={brand} member={member} title="Client added" lines={[["client_id", client.clientId], ["client_secret", secret]]} backLink="/admin/clients" backText="Back to clients" />);
        } catch (error) {
          if (!(error instanceof ClientExistsError)) throw error;
          return htmlResponse(<AddClientPage brand={brand} member={member} csrfToken={ctx.csrfToken} form={form} errors={{ "client-id": "A client with this ID already exists" }} />, 409);
        }
      }),
    },
    { path: "/admin/clients/:clientId/remove", access: "admin", get: confirmRemoveOrRotate("remove"), post: confirmRemoveOrRotate("remove") },
    { path: "/admin/clients/:clientId/rotate-secret", access: "admin", get: confirmRemoveOrRotate("rotate-secret"), post: confirmRemoveOrRotate("rotate-secret") },
  ];
}
