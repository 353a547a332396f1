import { type Connector, defineConnector } from "@synapseops/core";
import { z } from "zod";
import { postJson, webhookUrl } from "./_post-json";
import { messageText, renderText } from "./_template";

/** The config of a Microsoft Teams notification channel. */
export const TeamsConfig = z.object({
  webhookUrl: z.url().optional().meta({
    description:
      "Incoming-webhook (or Workflows) URL. It is a credential: prefer the `webhookSecret` secret.",
  }),
  webhookSecret: z.string().min(1).default("teamsWebhookUrl").meta({
    description: "Name of the secret holding the webhook URL, used when `webhookUrl` is absent.",
  }),
  title: z.string().min(1).optional().meta({ description: "JSONata template of the card's title." }),
  text: z.string().min(1).optional().meta({
    description: "JSONata template of the card's text. Without it: a string record, its `text`, or its JSON.",
  }),
  timeoutMs: z.int().min(1).default(10_000).meta({ description: "Timeout of one webhook call." }),
});
/** The config of a Microsoft Teams notification channel. */
export type TeamsConfig = z.output<typeof TeamsConfig>;
/** The config of a teams connector ref, as written in a ref (defaults optional). */
export interface TeamsConnectorConfig extends z.input<typeof TeamsConfig> {}

/**
 * Microsoft Teams notifications through an incoming webhook, as an Adaptive Card whose title and
 * text are JSONata templates. At-least-once: Teams does not dedupe.
 *
 * @example
 * ```ts
 * await runtime.connectorRefs.put(projectId, {
 *   type: "teams",
 *   name: "ops",
 *   config: { title: '"Run failed"', text: '"Record " & record.id & ": " & error.message' },
 * });
 * ```
 */
export function teams(): Connector<TeamsConfig, "teams", TeamsConnectorConfig> {
  return defineConnector({
    type: "teams",
    version: "0.1.0",
    configSchema: TeamsConfig,
    // The URL is the credential: whoever has it can post to the channel.
    secretFields: ["/webhookUrl"],
    capabilities: {
      async write(config, record, context) {
        const text = await messageText(config.text, record, "teams /text");
        const title =
          config.title === undefined ? undefined : await renderText(config.title, record, "teams /title");
        const body = [
          ...(title === undefined
            ? []
            : [{ type: "TextBlock", text: title, weight: "Bolder", size: "Medium", wrap: true }]),
          { type: "TextBlock", text, wrap: true },
        ];
        return postJson(
          webhookUrl(config, context.secrets, "teams"),
          {
            type: "message",
            attachments: [
              {
                contentType: "application/vnd.microsoft.card.adaptive",
                content: {
                  $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
                  type: "AdaptiveCard",
                  version: "1.4",
                  body,
                },
              },
            ],
          },
          { signal: context.signal, timeoutMs: config.timeoutMs, channel: "teams" },
        );
      },
    },
  });
}
