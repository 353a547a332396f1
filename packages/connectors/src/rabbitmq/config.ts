import { z } from "zod";

/** The config of a RabbitMQ connector ref. */
export const RabbitmqConfig = z.object({
  url: z.string().min(1).meta({ description: "AMQP URL (`amqp://user:pass@host:5672/vhost`)." }),
  queue: z
    .string()
    .min(1)
    .meta({ description: "The queue `subscribe` consumes, and the default routing key." }),
  exchange: z.string().default("").meta({
    description: 'Exchange `write` publishes to; "" is the default exchange (routes by queue name).',
  }),
  routingKey: z
    .string()
    .optional()
    .meta({ description: "Routing key of published messages; the queue name when absent." }),
  assertTopology: z.boolean().default(true).meta({
    description:
      "Declare the queue (durable, with the dead-letter exchange) and the dead-letter exchange/queue. Turn off when they are managed elsewhere.",
  }),
  deadLetterExchange: z.string().min(1).optional().meta({
    description:
      "Exchange dead-lettered messages go to (`x-dead-letter-exchange` of the queue). Without it, a dead-lettered message is dropped by the broker.",
  }),
  deadLetterQueue: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "A queue bound to the dead-letter exchange, declared so dead letters are kept." }),
  prefetch: z
    .int()
    .min(1)
    .max(10_000)
    .default(50)
    .meta({ description: "Unacknowledged messages the broker sends ahead." }),
  batchSize: z
    .int()
    .min(1)
    .max(10_000)
    .default(1)
    .meta({ description: "Messages per `deliver` call. 1 acks and dead-letters record by record." }),
  batchWaitMs: z
    .int()
    .min(0)
    .default(20)
    .meta({ description: "How long to wait for a batch to fill before delivering it." }),
  retryDelayMs: z.int().min(0).default(1000).meta({
    description: "Pause before a batch that failed retryably is put back on the queue (nack with requeue).",
  }),
  maxDeliveries: z.int().min(1).optional().meta({
    description:
      "Dead-letter a message after this many deliveries, read from `x-delivery-count` (quorum queues count them; classic queues do not).",
  }),
  persistent: z
    .boolean()
    .default(true)
    .meta({ description: "Publish persistent messages (delivery mode 2)." }),
  mode: z.enum(["backfill", "incremental"]).default("backfill").meta({
    description:
      "A queue keeps no history: both modes consume what is queued, from the head. Kept for the shape every source shares.",
  }),
  reconnectMaxDelayMs: z.int().min(10).default(5000).meta({ description: "Cap of the reconnect backoff." }),
});
/** The config of a RabbitMQ connector ref. */
export type RabbitmqConfig = z.output<typeof RabbitmqConfig>;
/** The config of a RabbitMQ connector ref, as written. */
export interface RabbitmqConnectorConfig extends z.input<typeof RabbitmqConfig> {}
/** The config as written in a ref. Same as {@link RabbitmqConnectorConfig}. */
export type RabbitmqConfigInput = RabbitmqConnectorConfig;
