import { type Connector, ConnectorError, defineConnector } from "@synapseops/core";
import type { JsMsg, NatsConnection } from "nats";
import { consumeDurable } from "./_durable-consumer";
import { loadNats, type NatsModule } from "./_load-nats";
import { NatsConfig, type NatsConnectorConfig } from "./config";
import { natsError } from "./errors";

/** Options of {@link nats}. */
export interface NatsConnectorOptions {
  /**
   * Client name, shown in the server's connection list.
   * @default "synapseops-connector"
   */
  name?: string;
}

/** A NATS JetStream connector; `close()` drains its connections. */
export type NatsConnector = Connector<NatsConfig, "nats", NatsConnectorConfig> & {
  /** Closes every connection this connector opened. */
  close(): Promise<void>;
};

/** What `write` returns. */
export interface NatsWriteResult {
  stream: string;
  seq: number;
  /** True when the server had the `Nats-Msg-Id` (our idempotency key) already: nothing was stored. */
  duplicate: boolean;
}

/**
 * NATS JetStream as a target and a source. `write` publishes JSON and waits for the stream's
 * ack, with `Nats-Msg-Id` = the idempotency key so the server drops a retried publish within the
 * dedupe window; `read` pages by stream sequence (the cursor) through an ordered consumer;
 * `subscribe` pulls from a durable consumer and acks after success, `nak`s with a delay on a
 * retryable failure and `term`s a dead-lettered message. The client reconnects by itself.
 * Needs the optional `nats` package (v2).
 *
 * @example
 * ```ts
 * import { nats } from "@synapseops/connectors/nats";
 *
 * const js = nats();
 * const runtime = createRuntime({ connectors: [js] });
 * await runtime.connectorRefs.put(projectId, {
 *   type: "nats",
 *   name: "events",
 *   config: { servers: "nats://localhost:4222", stream: "ORDERS", subject: "orders.created", durable: "erp-sync" },
 * });
 * ```
 */
export function nats(options: NatsConnectorOptions = {}): NatsConnector {
  const connections = new Map<string, Promise<{ module: NatsModule; connection: NatsConnection }>>();
  const ensured = new Set<string>();

  const open = (config: NatsConfig): Promise<{ module: NatsModule; connection: NatsConnection }> => {
    const servers = Array.isArray(config.servers) ? config.servers : [config.servers];
    const key = servers.join(",");
    let pending = connections.get(key);
    if (pending === undefined) {
      pending = loadNats().then(async (module) => {
        const connection = await module.connect({
          servers,
          name: options.name ?? "synapseops-connector",
          reconnect: true,
          maxReconnectAttempts: -1,
          reconnectTimeWait: 200,
        });
        // A connection closed for good is forgotten, so the next call opens a new one.
        void connection.closed().then(() => connections.delete(key));
        return { module, connection };
      });
      pending.catch(() => connections.delete(key));
      connections.set(key, pending);
    }
    return pending.then(async (state) => {
      if (config.createStream && !ensured.has(`${key}\u0000${config.stream}`)) {
        const jsm = await state.connection.jetstreamManager();
        try {
          await jsm.streams.info(config.stream);
        } catch {
          await jsm.streams.add({
            name: config.stream,
            subjects: [config.subject],
            duplicate_window: state.module.nanos(config.duplicateWindowMs),
          });
        }
        ensured.add(`${key}\u0000${config.stream}`);
      }
      return state;
    });
  };

  const publish = async (
    config: NatsConfig,
    record: unknown,
    msgID: string | undefined,
  ): Promise<NatsWriteResult> => {
    const text = JSON.stringify(record);
    if (text === undefined) throw ConnectorError.nonRetryable("nats: the record is not JSON-serialisable");
    try {
      const { connection } = await open(config);
      const ack = await connection.jetstream().publish(config.subject, new TextEncoder().encode(text), {
        timeout: config.publishTimeoutMs,
        ...(msgID === undefined ? {} : { msgID }),
      });
      return { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
    } catch (error) {
      throw natsError(error, `publish to "${config.subject}"`);
    }
  };

  const connector = defineConnector({
    type: "nats",
    version: "0.1.0",
    configSchema: NatsConfig,
    secrets: [],
    capabilities: {
      async *read(config, _context, { cursor }) {
        let after = typeof cursor === "number" ? cursor : undefined;
        try {
          const { connection } = await open(config);
          if (after === undefined && config.mode === "incremental") {
            const info = await (await connection.jetstreamManager()).streams.info(config.stream);
            after = info.state.last_seq;
            yield { records: [], cursor: after };
          }
          // An ordered consumer is ephemeral and server-side cheap: it starts right after the cursor.
          // (Reads the whole stream: subject filters on ordered consumers need server 2.10.)
          const consumer = await connection
            .jetstream()
            .consumers.get(config.stream, after === undefined ? {} : { opt_start_seq: after + 1 });
          const jsm = await connection.jetstreamManager();
          for (;;) {
            // Nothing after the cursor: end now rather than wait out a pull.
            const { state } = await jsm.streams.info(config.stream);
            if (state.last_seq <= (after ?? 0)) return;
            const batch = await consumer.fetch({
              max_messages: config.batchSize,
              expires: config.fetchExpiresMs,
            });
            const messages: JsMsg[] = [];
            for await (const message of batch) messages.push(message);
            const last = messages[messages.length - 1];
            if (last === undefined) return;
            after = last.seq;
            yield {
              records: messages.map((message) => JSON.parse(new TextDecoder().decode(message.data))),
              cursor: after,
            };
            if (last.info.pending === 0) return;
          }
        } catch (error) {
          throw natsError(error, `read of "${config.stream}"`);
        }
      },
      write: (config, record, context) => publish(config, record, context.idempotencyKey),
      async writeBatch(config, records, context) {
        return Promise.all(
          records.map((record, index) => publish(config, record, context.idempotencyKeys?.[index])),
        );
      },
      async subscribe(config, context, deliver) {
        try {
          const { module, connection } = await open(config);
          return await consumeDurable(module, connection, config, context, deliver);
        } catch (error) {
          throw natsError(error, `subscribe to "${config.stream}"`);
        }
      },
      async test(config) {
        try {
          const { connection } = await open(config);
          await (await connection.jetstreamManager()).streams.info(config.stream);
        } catch (error) {
          throw natsError(error, "connection test");
        }
      },
      async health(config) {
        try {
          const { connection } = await open(config);
          const jsm = await connection.jetstreamManager();
          const stream = await jsm.streams.info(config.stream);
          const durable = await jsm.consumers.info(config.stream, config.durable).catch(() => undefined);
          // Without a durable consumer yet, everything in the stream is behind.
          const lag = durable === undefined ? stream.state.messages : durable.num_pending;
          return {
            ok: true,
            detail: { lag, unacknowledged: durable?.num_ack_pending ?? 0, messages: stream.state.messages },
          };
        } catch (error) {
          return { ok: false, detail: { error: natsError(error, "health").message } };
        }
      },
    },
  });

  return Object.assign(connector, {
    async close(): Promise<void> {
      const all = [...connections.values()];
      connections.clear();
      ensured.clear();
      for (const pending of all) await (await pending.catch(() => undefined))?.connection.close();
    },
  });
}
