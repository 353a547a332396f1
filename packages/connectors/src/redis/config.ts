import { hostname } from "node:os";
import { z } from "zod";

/** The config of a Redis Streams connector ref. */
export const RedisStreamsConfig = z.object({
  url: z.string().min(1).meta({ description: "Redis URL (`redis://user:pass@host:6379/0`)." }),
  stream: z.string().min(1).meta({ description: "The stream key written to and read from." }),
  group: z.string().min(1).default("synapseops").meta({ description: "Consumer group of `subscribe`." }),
  consumer: z.string().min(1).default(`${hostname()}-${process.pid}`).meta({
    description:
      "This consumer's name in the group. The default (host-pid) changes on restart: set a stable name so a restarted process takes its own pending entries back at once (a dead consumer's are claimed after `claimIdleMs`).",
  }),
  field: z.string().min(1).default("data").meta({ description: "Entry field holding the record as JSON." }),
  batchSize: z
    .int()
    .min(1)
    .max(10_000)
    .default(100)
    .meta({ description: "Entries per read or `deliver` call." }),
  blockMs: z
    .int()
    .min(1)
    .default(1000)
    .meta({ description: "How long one `XREADGROUP` waits for new entries." }),
  claimIdleMs: z.int().min(1).default(30_000).meta({
    description:
      "Entries pending this long with another consumer (a dead one) are taken over with `XAUTOCLAIM`.",
  }),
  retryDelayMs: z
    .int()
    .min(0)
    .default(1000)
    .meta({ description: "Pause before entries whose delivery failed retryably are delivered again." }),
  deadLetterStream: z.string().min(1).optional().meta({
    description: "Stream dead-lettered entries are copied to (with the error) before they are acknowledged.",
  }),
  mode: z.enum(["backfill", "incremental"]).default("backfill").meta({
    description:
      "Where a new consumer group (or a read without a cursor) starts: `backfill` at the first entry, `incremental` after the last one. A stored cursor or an existing group resumes where it was.",
  }),
  maxLen: z
    .int()
    .min(1)
    .optional()
    .meta({ description: "Trim the stream to about this many entries on write (`MAXLEN ~`)." }),
  dedupeTtlSeconds: z.int().min(1).default(86_400).meta({
    description:
      "How long a write's idempotency key is remembered: the same key again within it adds no entry.",
  }),
});
/** The config of a Redis Streams connector ref. */
export type RedisStreamsConfig = z.output<typeof RedisStreamsConfig>;
/** The config of a Redis Streams connector ref, as written. */
export interface RedisStreamsConnectorConfig extends z.input<typeof RedisStreamsConfig> {}
/** The config as written in a ref. Same as {@link RedisStreamsConnectorConfig}. */
export type RedisStreamsConfigInput = RedisStreamsConnectorConfig;
