import { type Connector, ConnectorError, defineConnector } from "@synapseops/core";
import { consume } from "./_consumer";
import { publishConfirmed, publishers } from "./_publisher";
import { RabbitmqConfig, type RabbitmqConnectorConfig } from "./config";
import { rabbitmqError } from "./errors";

/** A RabbitMQ connector; `close()` ends its publishing connections. */
export type RabbitmqConnector = Connector<RabbitmqConfig, "rabbitmq", RabbitmqConnectorConfig> & {
  /** Closes the publishing connections (subscriptions close themselves). */
  close(): Promise<void>;
};

/** What `write` returns. */
export interface RabbitmqWriteResult {
  exchange: string;
  routingKey: string;
  /** The AMQP `message-id`: the record's idempotency key, for consumers that dedupe. */
  messageId?: string;
}

function encode(record: unknown, index = 0): Buffer {
  const text = JSON.stringify(record);
  if (text === undefined)
    throw ConnectorError.nonRetryable(`rabbitmq: record ${index} is not JSON-serialisable`);
  return Buffer.from(text);
}

/**
 * RabbitMQ as a target and a push source. `write` publishes JSON with publisher confirms (it
 * resolves only once the broker has the message) and the idempotency key as `message-id`;
 * `subscribe` consumes with manual acks — ack after `deliver` succeeds, requeue on a retryable
 * failure, nack to the dead-letter exchange on a fatal one — and reconnects. Delivery is
 * at-least-once: pair it with an idempotency key. Needs the optional `amqplib` package.
 *
 * @example
 * ```ts
 * import { rabbitmq } from "@synapseops/connectors/rabbitmq";
 *
 * const mq = rabbitmq();
 * const config = mq.parseConfig({ url: "amqp://guest:guest@localhost:5672", queue: "orders", deadLetterExchange: "orders.dlx" });
 * const subscription = await mq.subscribe!(config, context, async ({ records }) => {
 *   const run = await runtime.ingest(blueprintId, { records });
 *   const done = await runtime.runs.wait(run.id);
 *   if (done.counts.deadLettered > 0) throw ConnectorError.nonRetryable("dead-lettered"); // → DLX
 * });
 * ```
 */
export function rabbitmq(): RabbitmqConnector {
  const pool = publishers();
  const connector = defineConnector({
    type: "rabbitmq",
    version: "0.1.0",
    configSchema: RabbitmqConfig,
    secrets: [],
    capabilities: {
      async write(config, record, context): Promise<RabbitmqWriteResult> {
        const body = encode(record);
        try {
          const state = await pool.get(config.url, config);
          await publishConfirmed(state, config, body, context.idempotencyKey);
        } catch (error) {
          throw rabbitmqError(error, `publish to "${config.exchange || config.queue}"`);
        }
        return {
          exchange: config.exchange,
          routingKey: config.routingKey ?? config.queue,
          ...(context.idempotencyKey === undefined ? {} : { messageId: context.idempotencyKey }),
        };
      },
      async writeBatch(config, records, context): Promise<RabbitmqWriteResult[]> {
        const bodies = records.map((record, index) => encode(record, index));
        try {
          const state = await pool.get(config.url, config);
          // Published back to back; the broker confirms them as it persists them.
          await Promise.all(
            bodies.map((body, index) =>
              publishConfirmed(state, config, body, context.idempotencyKeys?.[index]),
            ),
          );
        } catch (error) {
          throw rabbitmqError(error, `publish of ${records.length} messages`);
        }
        return records.map((_, index) => {
          const messageId = context.idempotencyKeys?.[index];
          return {
            exchange: config.exchange,
            routingKey: config.routingKey ?? config.queue,
            ...(messageId === undefined ? {} : { messageId }),
          };
        });
      },
      subscribe: (config, context, deliver) => consume(config.url, config, context, deliver),
      async test(config) {
        try {
          await pool.get(config.url, config);
        } catch (error) {
          throw rabbitmqError(error, "connection test");
        }
      },
      async health(config) {
        try {
          const state = await pool.get(config.url, config);
          const { messageCount, consumerCount } = await state.channel.checkQueue(config.queue);
          return { ok: true, detail: { lag: messageCount, consumers: consumerCount } };
        } catch (error) {
          return { ok: false, detail: { error: rabbitmqError(error, "health").message } };
        }
      },
    },
  });
  return Object.assign(connector, { close: () => pool.closeAll() });
}
