import { randomUUID } from "node:crypto";
import { type Connector, defineConnector } from "@synapseops/core";
import { z } from "zod";
import { requireSecret } from "../http/_secret";
import { httpSender } from "../http/_send";
import { oauth2TokenCache } from "../http/oauth2";
import { decodeSecret } from "./schemes/standard-webhooks";
import { signStandardWebhook } from "./sign";

/** The config of an outbound webhook ref. */
export const WebhookConfig = z.object({
  /** Where deliveries are POSTed. */
  url: z.url(),
  /** The secret (by name in the context) deliveries are signed with, `whsec_…`. */
  secret: z.string().min(1).default("signingSecret"),
  headers: z.record(z.string(), z.string()).default({}),
  timeoutMs: z.int().min(1).max(600_000).default(15_000),
});
/** The config of an outbound webhook ref. */
export type WebhookConfig = z.output<typeof WebhookConfig>;
/** The config of a webhook connector ref, as written in a ref (defaults optional). */
export interface WebhookConnectorConfig extends z.input<typeof WebhookConfig> {}

/** Options of {@link webhook}. */
export interface WebhookConnectorOptions {
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * Outbound webhooks for our own notifications: `write` POSTs the record as JSON signed per the
 * Standard Webhooks spec. The message id is the record's idempotency key, so every retry of one
 * record carries the same `webhook-id` and the receiver can dedupe.
 *
 * @example
 * ```ts
 * createRuntime({ connectors: [webhook()] });
 * // ref: { type: "webhook", config: { url: "https://partner.example/hooks" }, secrets: { signingSecret: "PARTNER_WHSEC" } }
 * ```
 */
export function webhook(
  options: WebhookConnectorOptions = {},
): Connector<WebhookConfig, "webhook", WebhookConnectorConfig> {
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  const sender = httpSender({ fetch: fetchImpl, tokens: oauth2TokenCache(fetchImpl) });
  return defineConnector({
    type: "webhook",
    version: "0.1.0",
    configSchema: WebhookConfig,
    capabilities: {
      async write(config, record, context) {
        const secret = requireSecret(context, config.secret, "webhook");
        const body = JSON.stringify(record);
        const id = context.idempotencyKey ?? `msg_${randomUUID()}`;
        const result = await sender.send({
          method: "POST",
          url: new URL(config.url),
          headers: signStandardWebhook({ secret, id, body }),
          body: { body, contentType: "application/json" },
          config: { ...config, auth: { type: "none" }, maxResponseBytes: 1_048_576 },
          context,
        });
        return { id, status: result.status };
      },
      async test(config, context) {
        decodeSecret(requireSecret(context, config.secret, "webhook"));
      },
    },
  });
}
