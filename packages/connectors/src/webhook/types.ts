import type { WebhookFailureReason } from "./errors";
import type { WebhookHeaders } from "./headers";

/** What a scheme verifies: the body exactly as received, and the request headers. */
export interface WebhookInput {
  /** The raw body bytes; a re-serialised JSON body does not verify. */
  rawBody: string | Uint8Array;
  headers: WebhookHeaders;
  /**
   * The time to check the signed timestamp against.
   * @default new Date()
   */
  now?: Date;
}

/** A scheme's verdict. It never throws for bad input: a refusal says why. */
export type WebhookVerification =
  | {
      ok: true;
      /** The delivery id the sender gave (header or body), when the scheme has one. */
      id: string | undefined;
      /**
       * Whether the signature covers `id` (Standard Webhooks' `webhook-id`, Stripe's event id in
       * the body, `{id}` in an hmacScheme payload). The receiver dedupes on a signed id, and on
       * the body's hash otherwise: an unsigned id can be changed by anyone replaying a delivery.
       * Absent (a custom scheme written before it existed) counts as `false`, the safe side.
       */
      idSigned?: boolean;
      /** The signed timestamp in seconds, when the scheme signs one. */
      timestamp: number | undefined;
    }
  | { ok: false; reason: WebhookFailureReason; message: string };

/** A signature scheme for inbound webhooks (Standard Webhooks, Stripe, GitHub…). */
export interface WebhookScheme {
  /** `standard-webhooks`, `stripe`, `github`, `shopify`, `hmac`. */
  readonly name: string;
  /**
   * Seconds of clock difference the signed timestamp may have; absent when the scheme signs no
   * timestamp (GitHub, Shopify, hmacScheme without `timestampHeader`). The receiver remembers
   * deliveries at least twice as long, so a replay inside the tolerance is always seen.
   */
  readonly toleranceSeconds?: number;
  verify(input: WebhookInput): WebhookVerification;
}

/** One or more secrets: during a rotation both the old and the new one verify. */
export type WebhookSecrets = string | readonly string[];

/** Seconds of clock difference accepted between the signed timestamp and now. */
export const DEFAULT_TOLERANCE_SECONDS = 300;
