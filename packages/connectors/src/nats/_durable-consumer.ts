import type { ConnectorContext, ReadBatch, Subscription } from "@synapseops/core";
import type { JetStreamManager, JsMsg, NatsConnection } from "nats";
import type { NatsModule } from "./_load-nats";
import type { NatsConfig } from "./config";
import { natsError } from "./errors";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates the durable consumer unless it exists; a new one starts per `mode`. */
async function ensureDurable(nats: NatsModule, jsm: JetStreamManager, config: NatsConfig): Promise<void> {
  try {
    await jsm.consumers.info(config.stream, config.durable);
  } catch {
    await jsm.consumers.add(config.stream, {
      durable_name: config.durable,
      ack_policy: nats.AckPolicy.Explicit,
      deliver_policy: config.mode === "backfill" ? nats.DeliverPolicy.All : nats.DeliverPolicy.New,
      ack_wait: nats.nanos(config.ackWaitMs),
      filter_subject: config.subject,
      ...(config.maxDeliver === undefined ? {} : { max_deliver: config.maxDeliver }),
    });
  }
}

/**
 * Pulls batches from a durable consumer: `ack` after `deliver` resolves, `nak` with
 * `nakDelayMs` when it rejects retryably, `term` when it rejects with a fatal error (dead-lettered:
 * the server never redelivers it). A message whose ack was lost is redelivered after `ackWaitMs`.
 */
export async function consumeDurable(
  nats: NatsModule,
  connection: NatsConnection,
  config: NatsConfig,
  context: ConnectorContext,
  deliver: (batch: ReadBatch) => Promise<void>,
): Promise<Subscription> {
  const jsm = await connection.jetstreamManager();
  await ensureDurable(nats, jsm, config);
  const consumer = await connection.jetstream().consumers.get(config.stream, config.durable);
  let stopped = false;
  let stopFetch: (() => void) | undefined;

  const handle = async (messages: JsMsg[]): Promise<void> => {
    const records: unknown[] = [];
    const usable: JsMsg[] = [];
    for (const message of messages) {
      try {
        records.push(JSON.parse(new TextDecoder().decode(message.data)));
        usable.push(message);
      } catch {
        message.term();
      }
    }
    if (usable.length === 0) return;
    try {
      await deliver({ records, cursor: usable[usable.length - 1]!.seq });
      // Confirmed acks: once `close()` returns, the server has recorded every one of them.
      // Bounded: an ack sent into a dropped connection never gets its reply; the server redelivers after ack_wait.
      await Promise.all(usable.map((message) => message.ackAck({ timeout: 1000 }).catch(() => false)));
    } catch (error) {
      const fatal = (error as { retryable?: unknown } | null)?.retryable === false;
      for (const message of usable) {
        // No reason text: `+TERM <reason>` needs server 2.10, older servers ignore it.
        if (fatal) message.term();
        else message.nak(config.nakDelayMs);
      }
    }
  };

  const loop = (async (): Promise<void> => {
    let backoff = 50;
    while (!stopped) {
      try {
        const batch = await consumer.fetch({
          max_messages: config.batchSize,
          expires: config.fetchExpiresMs,
        });
        stopFetch = () => batch.stop();
        const messages: JsMsg[] = [];
        for await (const message of batch) messages.push(message);
        stopFetch = undefined;
        if (messages.length > 0) await handle(messages);
        backoff = 50;
      } catch (error) {
        if (stopped) return;
        // While the client reconnects, pulls fail: wait and pull again; unacked messages come back.
        context.logger.warn(
          { stream: config.stream, error: natsError(error, "fetch").message },
          "nats: retrying",
        );
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 2000);
      }
    }
  })();

  return {
    async close(): Promise<void> {
      stopped = true;
      stopFetch?.();
      await loop;
    },
  };
}
