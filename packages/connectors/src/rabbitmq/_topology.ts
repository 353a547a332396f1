import type { Channel } from "amqplib";
import type { RabbitmqConfig } from "./config";

/** Declares the queue and its dead-letter exchange/queue when the config asks for it. */
export async function assertTopology(channel: Channel, config: RabbitmqConfig): Promise<void> {
  if (!config.assertTopology) return;
  if (config.deadLetterExchange !== undefined) {
    await channel.assertExchange(config.deadLetterExchange, "fanout", { durable: true });
    if (config.deadLetterQueue !== undefined) {
      await channel.assertQueue(config.deadLetterQueue, { durable: true });
      await channel.bindQueue(config.deadLetterQueue, config.deadLetterExchange, "");
    }
  }
  await channel.assertQueue(config.queue, {
    durable: true,
    ...(config.deadLetterExchange === undefined ? {} : { deadLetterExchange: config.deadLetterExchange }),
  });
}
