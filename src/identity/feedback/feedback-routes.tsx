// GET/POST /feedback and GET /feedback/thank-you: the beta banner's feedback form on every service
// when FEEDBACK_URL is not set (src/config/config.ts feedbackUrl). It stores the text only, asks for
// nothing personal, is limited per client IP, and (as every form) is CSRF-protected by the web layer.
import { Elysia } from "elysia";
import { clientIp } from "../../web/client-ip";
import { htmlResponse, seeOther } from "../../web/html";
import type { ServiceBrand } from "../../web/layout";
import type { IdentityDb } from "../db/database";
import { feedback } from "../db/schema";
import { hitRateLimit } from "../rate-limit/rate-limit";
import { tooManyRequests } from "../rate-limit/rate-limit-pages";
import { FeedbackPage, FeedbackThanksPage, feedbackMaxLength, feedbackPath, feedbackThanksPath } from "./feedback-pages";

/** Messages one client IP may send per hour. */
export const feedbackPerIpPerHour = 10;
const services = new Set(["identity", "records", "access"]);

interface FeedbackContext {
  request: Request;
  body?: unknown;
  server?: import("bun").Server<unknown> | null;
  csrfToken: string;
}

export function feedbackRoutes(deps: { db: IdentityDb; brand: ServiceBrand; trustProxy: boolean }) {
  const { db, brand } = deps;
  const serviceOf = (value: unknown) => (typeof value === "string" && services.has(value) ? value : undefined);
  return new Elysia({ name: "identity-feedback" })
    .get(feedbackPath, (c) => {
      const ctx = c as unknown as FeedbackContext;
      const service = serviceOf(new URL(ctx.request.url).searchParams.get("from"));
      return htmlResponse(<FeedbackPage brand={brand} csrfToken={ctx.csrfToken} service={service} />);
    })
    .post(feedbackPath, (c) => {
      const ctx = c as unknown as FeedbackContext;
      const form = (ctx.body ?? {}) as Record<string, unknown>;
      const text = typeof form.feedback === "string" ? form.feedback.trim() : "";
      const service = serviceOf(form.service);
      const again = (error: string) => htmlResponse(<FeedbackPage brand={brand} csrfToken={ctx.csrfToken} service={service} text={text} error={error} />, 400);
      if (text === "") return again("Enter your feedback");
      if (text.length > feedbackMaxLength) return again(`Your feedback must be ${feedbackMaxLength} characters or fewer`);
      const ip = clientIp(ctx.request, ctx.server ?? null, deps.trustProxy);
      const limit = hitRateLimit(db, `feedback:ip:${ip}`, { limit: feedbackPerIpPerHour, windowMs: 3_600_000 });
      if (!limit.allowed) return tooManyRequests(brand, { retryAt: limit.retryAt, backLink: "/", what: "You have sent a lot of feedback in a short time." });
      db.insert(feedback).values({ service: service ?? null, text, createdAt: Date.now() }).run();
      return seeOther(feedbackThanksPath);
    })
    .get(feedbackThanksPath, () => htmlResponse(<FeedbackThanksPage brand={brand} />));
}
