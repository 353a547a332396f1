import type { ChannelModel, ConfirmChannel } from "amqplib";
import { loadAmqplib } from "./_load-amqplib";
import { assertTopology } from "./_topology";
import type { RabbitmqConfig } from "./config";
import { rabbitmqError } from "./errors";

/** An open publishing connection and its confirm channel. */
export interface Open {
  model: ChannelModel;
  channel: ConfirmChannel;
  /** Rejects every publish still waiting for a confirm when the channel goes. */
  pending: Set<(error: unknown) => void>;
}

/** Publishers by URL, so every ref on the same broker shares one connection. */
export function publishers(): {
  get(url: string, config: RabbitmqConfig): Promise<Open>;
  closeAll(): Promise<void>;
} {
  const open = new Map<string, Promise<Open>>();
  const asserted = new Set<string>();
  return {
    get(url, config) {
      let current = open.get(url);
      if (current === undefined) {
        current = connect(url, () => {
          open.delete(url);
          asserted.clear();
        });
        current.catch(() => open.delete(url));
        open.set(url, current);
      }
      return current.then(async (state) => {
        const topologyKey = `${url}\u0000${config.queue}\u0000${config.deadLetterExchange ?? ""}`;
        if (!asserted.has(topologyKey)) {
          await assertTopology(state.channel, config);
          asserted.add(topologyKey);
        }
        return state;
      });
    },
    async closeAll() {
      const all = [...open.values()];
      open.clear();
      for (const pending of all) {
        const state = await pending.catch(() => undefined);
        await state?.model.close().catch(() => undefined);
      }
    },
  };
}

async function connect(url: string, onGone: () => void): Promise<Open> {
  const { connect: amqpConnect } = await loadAmqplib();
  const model = await amqpConnect(url);
  const channel = await model.createConfirmChannel();
  const pending = new Set<(error: unknown) => void>();
  const gone = (error?: unknown): void => {
    onGone();
    for (const reject of pending) reject(error ?? new Error("channel closed before the broker confirmed"));
    pending.clear();
  };
  // Errors arrive as 'error' then 'close'; without listeners amqplib's emitters would crash the host.
  model.on("error", () => {});
  model.on("close", gone);
  channel.on("error", () => {});
  channel.on("close", gone);
  return { model, channel, pending };
}

/** Publishes one message and waits for its confirm. */
export function publishConfirmed(
  state: Open,
  config: RabbitmqConfig,
  body: Buffer,
  messageId: string | undefined,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const fail = (error: unknown): void =>
      reject(rabbitmqError(error, `publish to "${config.exchange || config.queue}"`));
    state.pending.add(fail);
    try {
      state.channel.publish(
        config.exchange,
        config.routingKey ?? config.queue,
        body,
        {
          persistent: config.persistent,
          contentType: "application/json",
          ...(messageId === undefined ? {} : { messageId }),
        },
        (error: unknown) => {
          state.pending.delete(fail);
          if (error) fail(error ?? new Error("broker nacked the message"));
          else resolve();
        },
      );
    } catch (error) {
      state.pending.delete(fail);
      fail(error);
    }
  });
}
