import { randomBytes } from "node:crypto";
import { hmac, toBytes } from "./_crypto";
import { decodeSecret } from "./schemes/standard-webhooks";

/** What {@link signStandardWebhook} signs. */
export interface StandardWebhookMessage {
  /** The signing secret, `whsec_…`. */
  secret: string;
  /** The message id; the same for every retry of one message (receivers dedupe on it). */
  id: string;
  /** The exact body to send. */
  body: string | Uint8Array;
  /** Seconds since the epoch. @default now */
  timestamp?: number;
}

/**
 * Signs an outbound webhook per the Standard Webhooks spec: the three headers to send with the
 * body. Verifiers built on the spec (svix, standardwebhooks libraries, {@link standardWebhooks}) accept it.
 *
 * @example
 * ```ts
 * const body = JSON.stringify(event);
 * const headers = signStandardWebhook({ secret, id: event.id, body });
 * await fetch(url, { method: "POST", body, headers: { ...headers, "content-type": "application/json" } });
 * ```
 */
export function signStandardWebhook(message: StandardWebhookMessage): {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
} {
  const timestamp = String(message.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = hmac("sha256", decodeSecret(message.secret), [
    `${message.id}.${timestamp}.`,
    toBytes(message.body),
  ]).toString("base64");
  return { "webhook-id": message.id, "webhook-timestamp": timestamp, "webhook-signature": `v1,${signature}` };
}

/** A new random Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}
