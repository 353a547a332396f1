import { randomUUID } from "node:crypto";
import { type IdempotencyClaimResult, memoryStore, type RunStore } from "@synapseops/core";
import { sha256Hex, toBytes } from "./_crypto";
import { WebhookVerificationError } from "./errors";
import { plainHeaders, type WebhookHeaders } from "./headers";
import type { WebhookScheme } from "./types";

/** A verified webhook delivery, as the receiver hands it to `onDelivery`. */
export interface WebhookDelivery {
  /** The sender's delivery id, or `sha256:<hex of body>` for schemes without one. */
  id: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Parsed JSON for JSON bodies, text otherwise. */
  body: unknown;
  /** The exact bytes that were verified. */
  rawBody: Buffer;
  /** The scheme that verified it. */
  scheme: string;
  /** The signed timestamp in seconds, when the scheme signs one. */
  timestamp?: number;
}

/** What {@link WebhookReceiver.receive} did with a delivery. */
export interface WebhookReceipt {
  /** `processed`: `onDelivery` ran; `duplicate`: the id was processed before and was skipped. */
  status: "processed" | "duplicate";
  delivery: WebhookDelivery;
}

/** The part of a RunStore that dedupes deliveries (its idempotency records). */
export type WebhookDedupeStore = Pick<
  RunStore,
  "claimIdempotencyKey" | "completeIdempotencyKey" | "failIdempotencyKey"
>;

/** Options of {@link webhookReceiver}. */
export interface WebhookReceiverOptions {
  /** How deliveries are signed. */
  scheme: WebhookScheme;
  /** Called once per verified, new delivery; a rejection lets the sender's retry run it again. */
  onDelivery: (delivery: WebhookDelivery) => Promise<void> | void;
  /**
   * Where delivery ids are recorded, for replay protection: pass the runtime's store so every
   * instance of the host shares it.
   * @default an in-process memoryStore()
   */
  store?: WebhookDedupeStore;
  /**
   * The idempotency scope of this endpoint's delivery ids.
   * @default `webhook:<scheme name>`
   */
  scope?: string;
  /**
   * Largest body accepted, in bytes.
   * @default 1_048_576
   */
  maxBodyBytes?: number;
  /**
   * How long a delivery id is remembered; longer than the sender retries (Stripe: 3 days).
   * @default 7 days
   */
  dedupeTtlMs?: number;
  /**
   * How long one `onDelivery` may hold a delivery before another attempt may take it.
   * @default 60_000
   */
  leaseMs?: number;
  /**
   * `acknowledge`: a repeated id resolves as `duplicate` (adapters answer 200 so the sender stops);
   * `reject`: it throws `WebhookVerificationError` `replayed` (409).
   * @default "acknowledge"
   */
  onDuplicate?: "acknowledge" | "reject";
  /** The clock, for tests. @default () => new Date() */
  now?: () => Date;
}

/** Verifies, dedupes and dispatches webhook deliveries; framework adapters wrap it. */
export interface WebhookReceiver {
  readonly maxBodyBytes: number;
  /** @throws WebhookVerificationError when the delivery is refused. */
  receive(input: { rawBody: string | Uint8Array; headers: WebhookHeaders }): Promise<WebhookReceipt>;
}

const DAY_MS = 86_400_000;

/**
 * Builds a receiver: body size check, signature and timestamp check (the scheme), replay
 * protection by delivery id in the store's idempotency records, then `onDelivery`.
 *
 * @example
 * ```ts
 * const receiver = webhookReceiver({
 *   scheme: stripe({ secret: process.env.STRIPE_WEBHOOK_SECRET! }),
 *   store: runtime.store,
 *   onDelivery: (delivery) => runtime.ingest("bp_orders", delivery.body),
 * });
 * http.createServer(nodeWebhookHandler(receiver)).listen(3000);
 * ```
 */
export function webhookReceiver(options: WebhookReceiverOptions): WebhookReceiver {
  const store = options.store ?? memoryStore();
  const scope = options.scope ?? `webhook:${options.scheme.name}`;
  const maxBodyBytes = options.maxBodyBytes ?? 1_048_576;
  const now = options.now ?? (() => new Date());
  return {
    maxBodyBytes,
    async receive({ rawBody, headers }) {
      const bytes = Buffer.from(toBytes(rawBody));
      if (bytes.byteLength > maxBodyBytes) {
        throw new WebhookVerificationError(
          "body_too_large",
          `webhook body of ${bytes.byteLength} bytes exceeds maxBodyBytes ${maxBodyBytes}`,
        );
      }
      const at = now();
      const verdict = options.scheme.verify({ rawBody: bytes, headers, now: at });
      if (!verdict.ok) throw new WebhookVerificationError(verdict.reason, verdict.message);
      const plain = plainHeaders(headers);
      const payloadHash = sha256Hex(bytes);
      const delivery: WebhookDelivery = {
        id: verdict.id ?? `sha256:${payloadHash}`,
        headers: plain,
        body: parseBody(bytes, plain["content-type"]),
        rawBody: bytes,
        scheme: options.scheme.name,
        ...(verdict.timestamp === undefined ? {} : { timestamp: verdict.timestamp }),
      };
      const owner = randomUUID();
      const claim: IdempotencyClaimResult = await store.claimIdempotencyKey({
        scope,
        key: delivery.id,
        payloadHash,
        owner,
        leaseMs: options.leaseMs ?? 60_000,
        ttlMs: options.dedupeTtlMs ?? 7 * DAY_MS,
        now: at,
      });
      switch (claim.outcome) {
        case "completed":
          if (options.onDuplicate === "reject") {
            throw new WebhookVerificationError(
              "replayed",
              `webhook delivery "${delivery.id}" was processed already`,
            );
          }
          return { status: "duplicate", delivery };
        case "in_progress":
          throw new WebhookVerificationError(
            "in_progress",
            `webhook delivery "${delivery.id}" is being processed`,
          );
        case "conflict":
          throw new WebhookVerificationError(
            "id_reused",
            `webhook delivery id "${delivery.id}" was used before with a different body`,
          );
        case "claimed":
          break;
      }
      try {
        await options.onDelivery(delivery);
      } catch (error) {
        await store.failIdempotencyKey({ scope, key: delivery.id, owner, now: now() });
        throw error;
      }
      await store.completeIdempotencyKey({ scope, key: delivery.id, owner, now: now() });
      return { status: "processed", delivery };
    },
  };
}

function parseBody(bytes: Buffer, contentType: string | undefined): unknown {
  const text = bytes.toString("utf8");
  const media = contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
  if (media !== "application/json" && !media.endsWith("+json")) return text;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new WebhookVerificationError("malformed_body", "webhook body says it is JSON but does not parse", {
      cause: error,
    });
  }
}
