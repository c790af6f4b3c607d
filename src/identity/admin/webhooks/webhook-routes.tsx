// Admin only: webhook subscribers (as `teacher-id identity webhooks add|list|remove|rotate-secret|test`),
// with the same functions (webhooks/subscriptions.ts). Each change: a confirmation, a reason and a
// WebhookChanged event by `staff:<id>` (subject `webhook:<id>`). A new secret is shown once.
import { ukTime } from "../../../mail/time-in-words";
import { enqueueMessage } from "../../../outbox/enqueue";
import { formFields, htmlResponse, seeOther } from "../../../web/html";
import { ErrorSummary } from "../../../web/layout";
import type { IdentityDb } from "../../db/database";
import { actor, eventTypes, recordEvent, subject } from "../../events/events";
import { Button, PostForm, TextField } from "../../journey/components";
import { addSubscription, findSubscription, listSubscriptions, removeSubscription, rotateSubscriptionSecret, webhookKind, webhookUrlProblem } from "../../webhooks/subscriptions";
import type { AdminDeps } from "../admin-deps";
import { SecretShownOncePage, Table } from "../admin-forms";
import { ConfirmPage, ConsolePage, ForbiddenPage, parseReason, SuccessBanner } from "../admin-layout";
import { consoleRoute } from "../admin-page";
import type { ConsoleRouteEntry } from "../sign-in/sign-in-routes";
import type { StaffMember } from "../staff-guard";

type Action = "remove" | "rotate-secret" | "test";

const words: Record<Action, { title: string; change: string; button: string; done: string }> = {
  remove: { title: "Remove this webhook subscriber", change: "will be removed; deliveries waiting for it are dropped", button: "Remove subscriber", done: "removed" },
  "rotate-secret": { title: "Rotate this subscriber's secret", change: "gets a new signing secret, shown once; the old one stops at once (a disabled subscriber is enabled again)", button: "Rotate secret", done: "rotated" },
  test: { title: "Send a test Ping", change: "is sent a signed Ping event through the outbox", button: "Send Ping", done: "pinged" },
};

function AddWebhookPage(props: { brand: AdminDeps["brand"]; member: StaffMember; csrfToken: string; form?: Record<string, string>; errors?: Record<string, string> }): JSX.Element {
  const e = props.errors ?? {};
  return (
    <ConsolePage title="Add a webhook subscriber" brand={props.brand} member={props.member} hasErrors={Object.keys(e).length > 0} backLink="/admin/webhooks">
      <ErrorSummary errors={e} />
      <h1 class="govuk-heading-l">Add a webhook subscriber</h1>
      <PostForm action="/admin/webhooks/add" csrfToken={props.csrfToken}>
        <TextField id="url" label="URL" hint="https:// in production, on a public address" value={props.form?.url} error={e.url} type="url" spellcheck={false} />
        <TextField id="events" label="Events" hint={`Comma-separated: ${eventTypes.join(", ")}`} value={props.form?.events} error={e.events} spellcheck={false} />
        <Button text="Continue" />
      </PostForm>
    </ConsolePage>
  );
}

export function webhookRoutes(deps: AdminDeps): ConsoleRouteEntry[] {
  const brand = deps.brand;
  const changed = (tx: IdentityDb, member: StaffMember, id: string, change: string, reason: string) =>
    recordEvent(tx, { type: "WebhookChanged", actor: actor.staff(member.id), subject: subject.webhook(id), payload: { change, reason } }, deps.now());

  const act = (action: Action) =>
    consoleRoute(deps, "admin", (member, ctx) => {
      const sub = findSubscription(deps.db, ctx.params?.id ?? "");
      if (!sub) return htmlResponse(ForbiddenPage({ brand, member, message: "There is no such webhook subscriber." }), 404);
      const form = formFields(ctx.body);
      const page = (error?: string) =>
        htmlResponse(
          <ConfirmPage
            brand={brand}
            member={member}
            csrfToken={ctx.csrfToken}
            title={words[action].title}
            action={`/admin/webhooks/${sub.id}/${action}`}
            backLink="/admin/webhooks"
            whatWillChange={[["Subscriber", `${sub.id} (${sub.url}) ${words[action].change}`]]}
            button={words[action].button}
            warningButton={action === "remove"}
            reason={form.reason}
            error={error}
          />,
          error ? 400 : 200,
        );
      if (ctx.request.method === "GET") return page();
      const reason = parseReason(form.reason);
      if (!reason.ok) return page(reason.message);
      let secret: string | null = null;
      deps.db.transaction((tx) => {
        if (action === "remove") removeSubscription(tx, sub.id);
        if (action === "rotate-secret") secret = rotateSubscriptionSecret(tx, deps.vault.webhookSecretKey, sub.id);
        if (action === "test") enqueueMessage(tx, { kind: webhookKind, payload: { subscriptionId: sub.id, eventId: 0, ping: true } }, deps.now());
        changed(tx, member, sub.id, action, reason.value);
      });
      deps.nudgeOutbox();
      deps.logger.info("admin_webhook_changed", { staff_id: member.id, webhook_id: sub.id, change: action });
      if (secret) return htmlResponse(<SecretShownOncePage brand={brand} member={member} title="New webhook secret" lines={[["id", sub.id], ["secret", secret]]} backLink="/admin/webhooks" backText="Back to webhooks" />);
      return seeOther(`/admin/webhooks?done=${words[action].done}`);
    });

  return [
    {
      path: "/admin/webhooks",
      access: "admin",
      get: consoleRoute(deps, "admin", (member, ctx) => {
        const done = new URL(ctx.request.url).searchParams.get("done");
        const banner = done === "removed" ? "The subscriber has been removed" : done === "pinged" ? "A Ping is on its way" : undefined;
        const when = (at: number | null) => (at === null ? "" : ukTime(at, { date: true }));
        return htmlResponse(
          <ConsolePage title="Webhooks" brand={brand} member={member} wide>
            {banner ? <SuccessBanner heading={banner} /> : ""}
            <h1 class="govuk-heading-l">Webhooks</h1>
            <a href="/admin/webhooks/add" class="govuk-button" data-module="govuk-button">
              Add a subscriber
            </a>
            <Table
              id="webhooks"
              caption="Subscribers"
              head={["ID", "URL", "Events", "State", "Actions"]}
              rows={listSubscriptions(deps.db).map((s) => [
                s.id,
                s.url,
                s.events.replaceAll(",", ", "),
                s.disabledAt !== null ? `Disabled since ${when(s.disabledAt)}` : s.failingSince !== null ? `Failing since ${when(s.failingSince)}` : "Active",
                <span>
                  {(["test", "rotate-secret", "remove"] as const).map((a) => (
                    <>
                      <a class="govuk-link" href={`/admin/webhooks/${s.id}/${a}`}>
                        <span safe>{a === "test" ? "Send Ping" : a === "rotate-secret" ? "Rotate secret" : "Remove"}</span>
                        <span class="govuk-visually-hidden" safe>{` ${s.id}`}</span>
                      </a>{" "}
                    </>
                  ))}
                </span>,
              ])}
            />
          </ConsolePage>,
        );
      }),
    },
    {
      path: "/admin/webhooks/add",
      access: "admin",
      get: consoleRoute(deps, "admin", (member, ctx) => htmlResponse(<AddWebhookPage brand={brand} member={member} csrfToken={ctx.csrfToken} />)),
      post: consoleRoute(deps, "admin", async (member, ctx) => {
        const form = formFields(ctx.body);
        const url = (form.url ?? "").trim();
        const events = (form.events ?? "").split(/[\s,]+/).filter(Boolean);
        const errors: Record<string, string> = {};
        const urlProblem = url === "" ? "Enter the URL" : await webhookUrlProblem(url, deps.config.ENVIRONMENT);
        if (urlProblem) errors.url = urlProblem.replace("--url", "The URL");
        const unknown = events.filter((e) => !(eventTypes as readonly string[]).includes(e));
        if (events.length === 0) errors.events = "Enter at least one event type";
        else if (unknown.length) errors.events = `Unknown event types: ${unknown.join(", ")}`;
        if (Object.keys(errors).length) return htmlResponse(<AddWebhookPage brand={brand} member={member} csrfToken={ctx.csrfToken} form={form} errors={errors} />, 400);
        const confirm = (error?: string) =>
          htmlResponse(
            <ConfirmPage
              brand={brand}
              member={member}
              csrfToken={ctx.csrfToken}
              title="Add this webhook subscriber"
              action="/admin/webhooks/add"
              backLink="/admin/webhooks/add"
              whatWillChange={[["URL", url], ["Events", events.join(", ")]]}
              hidden={{ url, events: events.join(",") }}
              button="Add subscriber"
              reason={form.reason}
              error={error}
            />,
            error ? 400 : 200,
          );
        if (form.confirm !== "yes") return confirm();
        const reason = parseReason(form.reason);
        if (!reason.ok) return confirm(reason.message);
        const added = deps.db.transaction((tx) => {
          const added = addSubscription(tx, deps.vault.webhookSecretKey, { url, events }, deps.now());
          changed(tx, member, added.subscription.id, "added", reason.value);
          return added;
        });
        return htmlResponse(<SecretShownOncePage brand={brand} member={member} title="Webhook subscriber added" lines={[["id", added.subscription.id], ["secret", added.secret]]} backLink="/admin/webhooks" backText="Back to webhooks" />);
      }),
    },
    ...(["remove", "rotate-secret", "test"] as const).map((a): ConsoleRouteEntry => ({ path: `/admin/webhooks/:id/${a}`, access: "admin", get: act(a), post: act(a) })),
  ];
}
