import { randomUUID } from "node:crypto";
import {
  ErrorCode,
  type IdempotencyClaimResult,
  memoryStore,
  type RunStore,
  ValidationError,
} from "@synapseops/core";
import { sha256Hex, toBytes } from "./_crypto";
import { WebhookVerificationError } from "./errors";
import { plainHeaders, type WebhookHeaders } from "./headers";
import type { WebhookScheme } from "./types";

/** A verified webhook delivery, as the receiver hands it to `onDelivery`. */
export interface WebhookDelivery {
  /**
   * The sender's delivery id, or `sha256:<hex of body>` for schemes without one. For information
   * (logs, support): GitHub's and Shopify's ids are not signed, so they are not what is deduped.
   */
  id: string;
  /**
   * The replay key the receiver deduped on, derived from signed material only: `sid:<sha256 of
   * the signed id>` or `body:<sha256 of the body>`. Pass it as the run's `idempotencyKey` so a
   * delivery retried after a crash between `ingest` and the acknowledgement is still one effect.
   */
  key: string;
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
  /** `processed`: `onDelivery` ran; `duplicate`: the same delivery was processed before and was skipped. */
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
  /**
   * Called once per verified, new delivery. The delivery counts as accepted when it resolves;
   * when it throws, the adapters answer 500 and the sender's retry runs it again — so throw
   * (or let `runtime.ingest` throw) whenever the delivery did not become a run. Its value is
   * ignored.
   */
  onDelivery: (delivery: WebhookDelivery) => unknown;
  /**
   * Where replay keys are recorded: pass the runtime's store so they survive a restart and every
   * instance of the host shares them. Without one (or with a memory store) a replay is accepted
   * again after a restart, and the receiver emits a `SYNAPSEOPS_WEBHOOK_MEMORY_DEDUPE` warning.
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
   * How long a replay key is remembered: the replay window. Keep it longer than the sender
   * retries (Stripe: 3 days). For schemes that sign no timestamp (GitHub, Shopify, hmacScheme
   * without `timestampHeader`) it is the only replay defence: a captured delivery is a duplicate
   * inside the window and verifies again after it. At least twice the scheme's timestamp
   * tolerance.
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

/** Whether the in-memory dedupe warning was emitted: once per process. */
let warnedMemoryDedupe = false;

function warnMemoryDedupe(): void {
  if (warnedMemoryDedupe) return;
  warnedMemoryDedupe = true;
  process.emitWarning(
    "webhookReceiver dedupes deliveries in memory: a replayed delivery is accepted again after a restart, and instances do not share what they saw. Pass `store: runtime.store` with a durable store (PostgreSQL).",
    { type: "SynapseOpsWarning", code: "SYNAPSEOPS_WEBHOOK_MEMORY_DEDUPE" },
  );
}

/**
 * The replay key of a verified delivery, from signed material only (issue 16): a header the
 * signature does not cover can be changed by whoever replays a captured delivery. The timestamp
 * is left out: senders re-sign each retry with a new one, and a retry is the same delivery.
 */
function replayKey(verdict: { id: string | undefined; idSigned?: boolean }, payloadHash: string): string {
  return verdict.idSigned === true && verdict.id !== undefined
    ? `sid:${sha256Hex(verdict.id)}`
    : `body:${payloadHash}`;
}

/**
 * Builds a receiver: body size check, signature and timestamp check (the scheme), replay
 * protection in the store's idempotency records keyed by signed material (the signed delivery
 * id, else the body's hash), then `onDelivery`.
 *
 * @throws ValidationError when `dedupeTtlMs` is shorter than twice the scheme's tolerance.
 * @example
 * ```ts
 * const receiver = webhookReceiver({
 *   scheme: stripe({ secret: process.env.STRIPE_WEBHOOK_SECRET ?? "" }),
 *   store: runtime.store,
 *   onDelivery: (delivery) =>
 *     runtime.ingest("bp_orders", { record: delivery.body, idempotencyKey: delivery.key }),
 * });
 * createServer(nodeWebhookHandler(receiver)).listen(3000);
 * ```
 */
export function webhookReceiver(options: WebhookReceiverOptions): WebhookReceiver {
  const store = options.store ?? memoryStore();
  if (options.store === undefined || (options.store as { kind?: unknown }).kind === "memory") {
    warnMemoryDedupe();
  }
  const scope = options.scope ?? `webhook:${options.scheme.name}`;
  const maxBodyBytes = options.maxBodyBytes ?? 1_048_576;
  const ttlMs = options.dedupeTtlMs ?? 7 * DAY_MS;
  const tolerance = options.scheme.toleranceSeconds;
  // A delivery signed at t verifies from t−tolerance to t+tolerance: its key must outlive that.
  if (tolerance !== undefined && ttlMs < 2 * tolerance * 1000) {
    throw new ValidationError(
      `webhookReceiver: dedupeTtlMs ${ttlMs} is shorter than twice the scheme's tolerance (${2 * tolerance * 1000} ms): a replay inside the tolerance would be accepted`,
      { code: ErrorCode.INVALID_INPUT, path: "/dedupeTtlMs" },
    );
  }
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
      const key = replayKey(verdict, payloadHash);
      const delivery: WebhookDelivery = {
        id: verdict.id ?? `sha256:${payloadHash}`,
        key,
        headers: plain,
        body: parseBody(bytes, plain["content-type"]),
        rawBody: bytes,
        scheme: options.scheme.name,
        ...(verdict.timestamp === undefined ? {} : { timestamp: verdict.timestamp }),
      };
      const owner = randomUUID();
      const claim: IdempotencyClaimResult = await store.claimIdempotencyKey({
        scope,
        key,
        payloadHash,
        owner,
        leaseMs: options.leaseMs ?? 60_000,
        ttlMs,
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
        await store.failIdempotencyKey({ scope, key, owner, now: now() });
        throw error;
      }
      await store.completeIdempotencyKey({ scope, key, owner, now: now() });
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
