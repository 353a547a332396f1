import { type Connector, defineConnector } from "@synapseops/core";
import { z } from "zod";
import { postJson, webhookUrl } from "./_post-json";
import { messageText, renderTemplate } from "./_template";

/** The config of a Slack notification channel. */
export const SlackConfig = z.object({
  webhookUrl: z.url().optional().meta({
    description: "Incoming-webhook URL. It is a credential: prefer the `webhookSecret` secret.",
  }),
  webhookSecret: z.string().min(1).default("slackWebhookUrl").meta({
    description: "Name of the secret holding the webhook URL, used when `webhookUrl` is absent.",
  }),
  text: z.string().min(1).optional().meta({
    description:
      'JSONata template of the message text over the record (`"Order " & id & " failed"`). Without it: a string record, its `text`, or its JSON.',
  }),
  blocks: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "JSONata template producing Block Kit `blocks`." }),
  timeoutMs: z.int().min(1).default(10_000).meta({ description: "Timeout of one webhook call." }),
});
/** The config of a Slack notification channel. */
export type SlackConfig = z.output<typeof SlackConfig>;
/** The config of a slack connector ref, as written in a ref (defaults optional). */
export interface SlackConnectorConfig extends z.input<typeof SlackConfig> {}

/**
 * Slack notifications through an incoming webhook, the text rendered with a JSONata template.
 * 429 (with Retry-After) and 5xx are retryable. Slack does not dedupe: at-least-once.
 *
 * @example
 * ```ts
 * const runtime = createRuntime({ connectors: [slack()], secrets: envSecrets() });
 * await runtime.connectorRefs.put(projectId, {
 *   type: "slack",
 *   name: "ops",
 *   config: { text: '"Run " & run.id & ": record " & record.id & " dead-lettered"' },
 * });
 * ```
 */
export function slack(): Connector<SlackConfig, "slack", SlackConnectorConfig> {
  return defineConnector({
    type: "slack",
    version: "0.1.0",
    configSchema: SlackConfig,
    // The URL is the credential: whoever has it can post to the channel.
    secretFields: ["/webhookUrl"],
    capabilities: {
      async write(config, record, context) {
        const text = await messageText(config.text, record, "slack /text");
        const blocks =
          config.blocks === undefined
            ? undefined
            : await renderTemplate(config.blocks, record, "slack /blocks");
        return postJson(
          webhookUrl(config, context.secrets, "slack"),
          { text, ...(blocks === undefined ? {} : { blocks }) },
          { signal: context.signal, timeoutMs: config.timeoutMs, channel: "slack" },
        );
      },
    },
  });
}
