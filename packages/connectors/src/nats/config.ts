import { z } from "zod";

/** The config of a NATS JetStream connector ref. */
export const NatsConfig = z.object({
  servers: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
    .meta({ description: "Server URL(s) (`nats://host:4222`)." }),
  stream: z.string().min(1).meta({ description: "The JetStream stream." }),
  subject: z
    .string()
    .min(1)
    .meta({ description: "Subject `write` publishes to and `subscribe` filters on." }),
  durable: z.string().min(1).default("synapseops").meta({
    description: "Durable consumer name of `subscribe`; the server remembers its acknowledged position.",
  }),
  createStream: z.boolean().default(true).meta({
    description:
      "Create the stream (with `subject`) when it does not exist. Turn off when streams are managed elsewhere.",
  }),
  duplicateWindowMs: z.int().min(1000).default(120_000).meta({
    description: "Dedupe window of a stream we create: a `Nats-Msg-Id` seen within it is not stored twice.",
  }),
  publishTimeoutMs: z.int().min(100).default(5000).meta({
    description: "How long a publish waits for the stream's ack before failing (retryably).",
  }),
  batchSize: z
    .int()
    .min(1)
    .max(10_000)
    .default(1)
    .meta({ description: "Messages per read or `deliver` call." }),
  fetchExpiresMs: z
    .int()
    .min(1000)
    .default(1000)
    .meta({ description: "How long one pull waits for messages." }),
  ackWaitMs: z.int().min(100).default(30_000).meta({
    description: "How long the server waits for an ack before redelivering (covers a consumer that died).",
  }),
  nakDelayMs: z
    .int()
    .min(0)
    .default(1000)
    .meta({ description: "Redelivery delay after a retryable failure (`nak`)." }),
  maxDeliver: z
    .int()
    .min(1)
    .optional()
    .meta({ description: "Deliveries before the server gives up on a message." }),
  mode: z.enum(["backfill", "incremental"]).default("backfill").meta({
    description:
      "Where a new durable consumer (or a read without a cursor) starts: `backfill` at the first message, `incremental` at new ones. An existing durable or a stored cursor resumes where it was.",
  }),
});
/** The config of a NATS JetStream connector ref. */
export type NatsConfig = z.output<typeof NatsConfig>;
/** The config of a NATS JetStream connector ref, as written. */
export interface NatsConnectorConfig extends z.input<typeof NatsConfig> {}
/** The config as written in a ref. Same as {@link NatsConnectorConfig}. */
export type NatsConfigInput = NatsConnectorConfig;
