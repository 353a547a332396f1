import type { ConnectorContext, ReadBatch, Subscription } from "@synapseops/core";
import type { Channel, ChannelModel, ConsumeMessage } from "amqplib";
import { loadAmqplib } from "./_load-amqplib";
import { assertTopology } from "./_topology";
import type { RabbitmqConfig } from "./config";
import { rabbitmqError } from "./errors";

interface Held {
  message: ConsumeMessage;
  channel: Channel;
}

/** Whether a failed delivery should be tried again (requeue) or dead-lettered: errors say so. */
function isRetryable(error: unknown): boolean {
  return (error as { retryable?: unknown } | null)?.retryable !== false;
}

/**
 * Consumes the queue with manual acks: a batch is acked after `deliver` resolves, requeued
 * (after `retryDelayMs`) when it rejects retryably, and nacked without requeue — to the queue's
 * dead-letter exchange — when it rejects with a non-retryable error. Reconnects with backoff
 * after the connection drops; unacked messages go back to the queue then, so they come again.
 */
export async function consume(
  url: string,
  config: RabbitmqConfig,
  context: ConnectorContext,
  deliver: (batch: ReadBatch) => Promise<void>,
): Promise<Subscription> {
  const { connect } = await loadAmqplib();
  let stopped = false;
  let model: ChannelModel | undefined;
  let channel: Channel | undefined;
  let consumerTag: string | undefined;
  let buffer: Held[] = [];
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  let reconnectDelay = 100;
  let reconnectTimer: NodeJS.Timeout | undefined;

  const settle = (held: readonly Held[], how: "ack" | "requeue" | "deadLetter"): void => {
    for (const { message, channel: from } of held) {
      // A message of a channel that is gone was requeued by the broker already.
      if (from !== channel) continue;
      try {
        if (how === "ack") from.ack(message);
        else from.nack(message, false, how === "requeue");
      } catch {
        // The channel closed under us: the broker redelivers; idempotency keys dedupe.
      }
    }
  };

  const flush = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const batch = buffer;
    buffer = [];
    if (batch.length === 0) return;
    chain = chain.then(() => deliverBatch(batch));
  };

  const deliverBatch = async (held: Held[]): Promise<void> => {
    const live = held.filter((item) => item.channel === channel);
    const records: unknown[] = [];
    const usable: Held[] = [];
    for (const item of live) {
      const deliveries = Number(item.message.properties.headers?.["x-delivery-count"] ?? 0) + 1;
      if (config.maxDeliveries !== undefined && deliveries > config.maxDeliveries) {
        settle([item], "deadLetter");
        continue;
      }
      try {
        records.push(JSON.parse(item.message.content.toString("utf8")));
        usable.push(item);
      } catch {
        context.logger.warn({ queue: config.queue }, "rabbitmq: message is not JSON; dead-lettered");
        settle([item], "deadLetter");
      }
    }
    if (usable.length === 0) return;
    const last = usable[usable.length - 1]!.message;
    try {
      await deliver({ records, cursor: { deliveryTag: last.fields.deliveryTag } });
      settle(usable, "ack");
    } catch (error) {
      if (isRetryable(error)) {
        await new Promise((resolve) => setTimeout(resolve, stopped ? 0 : config.retryDelayMs));
        settle(usable, "requeue");
      } else {
        settle(usable, "deadLetter");
      }
    }
  };

  const onMessage = (message: ConsumeMessage | null, from: Channel): void => {
    // null: the broker cancelled the consumer (queue deleted); reconnecting re-declares it.
    if (message === null) return;
    buffer.push({ message, channel: from });
    if (buffer.length >= config.batchSize) flush();
    else timer ??= setTimeout(flush, config.batchWaitMs);
  };

  const open = async (): Promise<void> => {
    const nextModel = await connect(url);
    nextModel.on("error", () => {});
    const nextChannel = await nextModel.createChannel();
    nextChannel.on("error", () => {});
    await nextChannel.prefetch(config.prefetch);
    await assertTopology(nextChannel, config);
    model = nextModel;
    channel = nextChannel;
    nextModel.on("close", () => {
      if (channel === nextChannel) channel = undefined;
      buffer = buffer.filter((item) => item.channel !== nextChannel);
      if (!stopped) scheduleReconnect();
    });
    const reply = await nextChannel.consume(config.queue, (message) => onMessage(message, nextChannel), {
      noAck: false,
    });
    consumerTag = reply.consumerTag;
    reconnectDelay = 100;
  };

  const scheduleReconnect = (): void => {
    if (reconnectTimer !== undefined || stopped) return;
    context.logger.warn(
      { queue: config.queue, delayMs: reconnectDelay },
      "rabbitmq: connection lost; reconnecting",
    );
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      open().catch(() => {
        reconnectDelay = Math.min(reconnectDelay * 2, config.reconnectMaxDelayMs);
        scheduleReconnect();
      });
    }, reconnectDelay);
  };

  try {
    await open();
  } catch (error) {
    throw rabbitmqError(error, `subscribe to "${config.queue}"`);
  }

  return {
    async close(): Promise<void> {
      stopped = true;
      if (reconnectTimer !== undefined) clearTimeout(reconnectTimer);
      // Stop new deliveries first, then let the batch in hand finish and settle.
      if (channel !== undefined && consumerTag !== undefined)
        await channel.cancel(consumerTag).catch(() => {});
      flush();
      await chain;
      await model?.close().catch(() => {});
    },
  };
}
