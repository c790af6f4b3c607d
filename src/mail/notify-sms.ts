// SMS through GOV.UK Notify's REST API (POST /v2/notifications/sms). Notify authenticates with a
// short-lived JWT: iss = the service id, iat = now, HS256 signed with the secret key. Both come
// from the API key, whose format is `{key name}-{service id: uuid}-{secret key: uuid}`.
import { SignJWT } from "jose";
import { PermanentFailure } from "../outbox/worker";
import type { SmsMessage } from "../outbox/enqueue";

export interface NotifyApiKey {
  serviceId: string;
  secretKey: string;
}

export function parseNotifyApiKey(apiKey: string): NotifyApiKey {
  const key = apiKey.trim();
  if (key.length < 74) throw new Error("NOTIFY_API_KEY is not a GOV.UK Notify API key");
  return { serviceId: key.slice(-73, -37), secretKey: key.slice(-36) };
}

export async function notifyJwt(key: NotifyApiKey, nowSeconds = Math.floor(Date.now() / 1000)): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(key.serviceId)
    .setIssuedAt(nowSeconds)
    .sign(new TextEncoder().encode(key.secretKey));
}

export interface NotifySmsOptions {
  apiKey: string;
  templateId: string;
  baseUrl: string;
  /** Per request; a slow Notify must not hold an outbox claim for long. */
  timeoutMs?: number;
}

/** Sends one SMS; throws PermanentFailure when Notify rejects the message itself (e.g. a bad number). */
export function createNotifySmsSender(options: NotifySmsOptions): (sms: SmsMessage) => Promise<{ id?: string }> {
  const key = parseNotifyApiKey(options.apiKey);
  return async (sms) => {
    const response = await fetch(`${options.baseUrl}/v2/notifications/sms`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${await notifyJwt(key)}`,
        "content-type": "application/json",
        "user-agent": "teacher-id",
      },
      // The template's body is `((message))`, so the whole text is ours.
      body: JSON.stringify({ phone_number: sms.to, template_id: options.templateId, personalisation: { message: sms.text } }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    if (response.status === 201 || response.status === 200) {
      const body = (await response.json().catch(() => ({}))) as { id?: string };
      return { id: body.id };
    }
    const body = (await response.text().catch(() => "")).slice(0, 300);
    // 400 = this message can never be sent (bad number, bad template data); anything else
    // (auth, rate limit, outage) may work later, so the outbox retries it.
    if (response.status === 400) throw new PermanentFailure(`Notify refused the SMS (400): ${body}`);
    throw new Error(`Notify replied ${response.status}: ${body}`);
  };
}
