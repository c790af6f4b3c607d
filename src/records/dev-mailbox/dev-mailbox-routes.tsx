// GET /dev/mailbox (development only): every email and SMS the services sent to the dev mailbox,
// newest first, with the links in them clickable; GET /dev/mailbox.json, the same for scripts and
// tests. Mounted only when the dev mailbox is in use.
import { Elysia } from "elysia";
import { escapeHtml } from "@kitajs/html";
import { z } from "zod";
import { shownRecipient, type DevMailbox, type DevMailboxEntry } from "../../mail/dev-mailbox";
import { htmlResponse } from "../../web/html";
import { Page, type ServiceBrand } from "../../web/layout";
import { fieldErrors, problemResponse } from "../../web/problem";

const urlPattern = /https?:\/\/[^\s<>"']+/g;

/** The http(s) links in a message's text, in order, without trailing punctuation. */
export function linksIn(text: string): string[] {
  return [...text.matchAll(urlPattern)].map((match) => match[0].replace(/[.,;:)]+$/, ""));
}

const jsonQuery = z.object({
  to: z.string().trim().max(320).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** One message as /dev/mailbox.json gives it. */
function jsonEntry(entry: DevMailboxEntry) {
  return {
    id: entry.id,
    channel: entry.channel,
    to: entry.to,
    from: entry.from,
    subject: entry.subject,
    text: entry.text,
    links: linksIn(entry.text),
    sentAt: new Date(entry.createdAt).toISOString(),
  };
}

/** Text with its http(s) links made into anchors; everything else escaped. */
export function linkify(text: string): string {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(urlPattern)) {
    const url = match[0].replace(/[.,;:)]+$/, "");
    out += escapeHtml(text.slice(last, match.index));
    out += `<a class="govuk-link" href="${escapeHtml(url)}">${escapeHtml(url)}</a>`;
    last = match.index + url.length;
  }
  return out + escapeHtml(text.slice(last));
}

// Made on first use: the first Intl formatter in a process costs ~10 ms, which start-up should not pay.
let timeFormat: Intl.DateTimeFormat | undefined;
function sentAt(createdAt: number): string {
  timeFormat ??= new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/London",
    day: "numeric",
    month: "long",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  return timeFormat.format(new Date(createdAt));
}

function Message({ entry }: { entry: DevMailboxEntry }): JSX.Element {
  const heading = entry.channel === "email" ? (entry.subject ?? "(no subject)") : "Text message";
  return (
    <div class="govuk-summary-card" id={`message-${entry.id}`}>
      <div class="govuk-summary-card__title-wrapper">
        <h2 class="govuk-summary-card__title" safe>
          {heading}
        </h2>
      </div>
      <div class="govuk-summary-card__content">
        <dl class="govuk-summary-list">
          <div class="govuk-summary-list__row">
            <dt class="govuk-summary-list__key">To</dt>
            <dd class="govuk-summary-list__value" safe>
              {entry.channel === "sms" && shownRecipient(entry.to) !== entry.to ? `${shownRecipient(entry.to)} (${entry.to})` : entry.to}
            </dd>
          </div>
          <div class="govuk-summary-list__row">
            <dt class="govuk-summary-list__key">Sent</dt>
            <dd class="govuk-summary-list__value" safe>
              {sentAt(entry.createdAt)}
            </dd>
          </div>
          <div class="govuk-summary-list__row">
            <dt class="govuk-summary-list__key">Type</dt>
            <dd class="govuk-summary-list__value">{entry.channel === "email" ? "Email" : "SMS"}</dd>
          </div>
        </dl>
        <p class="govuk-body">{linkify(entry.text).replace(/\n/g, "<br>") as "safe"}</p>
      </div>
    </div>
  );
}

export function devMailboxRoutes(options: { mailbox: DevMailbox | undefined; brand: ServiceBrand }) {
  const plugin = new Elysia({ name: "records-dev-mailbox" });
  const mailbox = options.mailbox;
  // Without a dev mailbox (SMTP and Notify configured, or production) there is no page at all.
  if (!mailbox) return plugin;
  plugin.get("/dev/mailbox.json", ({ query }) => {
    const parsed = jsonQuery.safeParse(query);
    if (!parsed.success) {
      return problemResponse({ title: "One or more validation errors occurred.", status: 400, errors: fieldErrors(parsed.error) });
    }
    const { to, limit } = parsed.data;
    const entries = mailbox.list({ limit, to: to || undefined });
    return Response.json({ messages: entries.map(jsonEntry) }, { headers: { "cache-control": "no-store" } });
  });
  plugin.get("/dev/mailbox", ({ query }) => {
    const to = typeof query.to === "string" && query.to.trim() ? query.to.trim() : undefined;
    const entries = mailbox.list({ limit: 200, to });
    return htmlResponse(
      <Page title="Dev mailbox" brand={options.brand}>
        <span class="govuk-caption-l">Development only</span>
        <h1 class="govuk-heading-l">Dev mailbox</h1>
        <p class="govuk-body">
          Every email and text message the services sent while SMTP_URL (or NOTIFY_API_KEY for text messages) is not set.
          Nothing here left this computer. Newest first.
        </p>
        <p class="govuk-body">
          For scripts and tests, the same as JSON:{" "}
          <a class="govuk-link" href={to ? `/dev/mailbox.json?to=${encodeURIComponent(to)}` : "/dev/mailbox.json"}>
            /dev/mailbox.json
          </a>
          .
        </p>
        <form method="get" action="/dev/mailbox" class="govuk-!-margin-bottom-6">
          <div class="govuk-form-group">
            <label class="govuk-label" for="to">
              Show messages to (email address or phone number)
            </label>
            <div id="to-hint" class="govuk-hint">
              For example, amelia.clarke@example.com, 07911 123456 or +447911123456
            </div>
            <input class="govuk-input govuk-!-width-one-half" id="to" name="to" type="text" value={to ?? ""} spellcheck="false" aria-describedby="to-hint" />
          </div>
          <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">
            Filter
          </button>
        </form>
        {entries.length === 0 ? (
          <p class="govuk-body">No messages yet.</p>
        ) : (
          entries.map((entry) => <Message entry={entry} />)
        )}
      </Page>,
    );
  });
  return plugin;
}
