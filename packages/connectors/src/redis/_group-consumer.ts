import type { ConnectorContext, ReadBatch, Subscription } from "@synapseops/core";
import type { Redis } from "ioredis";
import { parseEntries, parseReadGroup, type StreamEntry } from "./_entries";
import type { RedisStreamsConfig } from "./config";
import { redisError } from "./errors";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates the consumer group unless it exists: at the first entry (backfill) or the end (incremental). */
export async function ensureGroup(client: Redis, config: RedisStreamsConfig): Promise<void> {
  try {
    await client.call(
      "XGROUP",
      "CREATE",
      config.stream,
      config.group,
      config.mode === "backfill" ? "0" : "$",
      "MKSTREAM",
    );
  } catch (error) {
    if (!(error instanceof Error && error.message.startsWith("BUSYGROUP"))) throw error;
  }
}

/**
 * Reads the stream as a member of a consumer group on its own (blocking) connection. Each round:
 * this consumer's own pending entries first (after a restart or a retryable failure), then
 * entries idle too long with dead consumers (`XAUTOCLAIM`), then new ones (`XREADGROUP >`).
 * Entries are acked (`XACK`) after `deliver` resolves; a fatal failure copies them to the
 * dead-letter stream and acks them; a retryable one leaves them pending for the next round.
 */
export async function consumeGroup(
  client: Redis,
  config: RedisStreamsConfig,
  context: ConnectorContext,
  deliver: (batch: ReadBatch) => Promise<void>,
): Promise<Subscription> {
  await ensureGroup(client, config);
  // ioredis resends a command cut by a dropped connection, so entries Redis delivered on the
  // dead socket are pending for us but never seen, and no error says so: after every
  // reconnect, read our own pending entries first.
  const blocking = client.duplicate();
  blocking.on("error", () => {});
  let stopped = false;
  let ownPendingFirst = true;
  blocking.on("ready", () => {
    ownPendingFirst = true;
  });
  let claimFrom = "0-0";

  const handle = async (entries: StreamEntry[]): Promise<void> => {
    if (entries.length === 0) return;
    const records: unknown[] = [];
    const ids: string[] = [];
    const broken: StreamEntry[] = [];
    for (const entry of entries) {
      try {
        records.push(JSON.parse(entry.fields[config.field] ?? "null"));
        ids.push(entry.id);
      } catch {
        broken.push(entry);
      }
    }
    if (broken.length > 0) await deadLetter(broken, "entry is not JSON");
    if (ids.length === 0) return;
    try {
      await deliver({ records, cursor: ids[ids.length - 1] });
    } catch (error) {
      if ((error as { retryable?: unknown } | null)?.retryable === false) {
        await deadLetter(
          entries.filter((entry) => ids.includes(entry.id)),
          error instanceof Error ? error.message : String(error),
        );
        return;
      }
      ownPendingFirst = true;
      await sleep(config.retryDelayMs);
      return;
    }
    await client.call("XACK", config.stream, config.group, ...ids);
  };

  const deadLetter = async (entries: StreamEntry[], reason: string): Promise<void> => {
    if (config.deadLetterStream !== undefined) {
      for (const entry of entries) {
        await client.call(
          "XADD",
          config.deadLetterStream,
          "*",
          ...Object.entries(entry.fields).flat(),
          "source_id",
          entry.id,
          "error",
          reason,
        );
      }
    }
    await client.call("XACK", config.stream, config.group, ...entries.map((entry) => entry.id));
  };

  const round = async (): Promise<void> => {
    if (ownPendingFirst) {
      const own = parseReadGroup(
        await blocking.call(
          "XREADGROUP",
          "GROUP",
          config.group,
          config.consumer,
          "COUNT",
          config.batchSize,
          "STREAMS",
          config.stream,
          "0",
        ),
      );
      if (own.length === 0) ownPendingFirst = false;
      await handle(own);
      return;
    }
    const claimed = (await blocking.call(
      "XAUTOCLAIM",
      config.stream,
      config.group,
      config.consumer,
      config.claimIdleMs,
      claimFrom,
      "COUNT",
      config.batchSize,
    )) as unknown[];
    claimFrom = String(claimed[0] ?? "0-0");
    const stolen = parseEntries(claimed[1]);
    if (stolen.length > 0) {
      context.logger.info(
        { stream: config.stream, entries: stolen.length },
        "redis: claimed entries of an idle consumer",
      );
      await handle(stolen);
      return;
    }
    await handle(
      parseReadGroup(
        await blocking.call(
          "XREADGROUP",
          "GROUP",
          config.group,
          config.consumer,
          "COUNT",
          config.batchSize,
          "BLOCK",
          config.blockMs,
          "STREAMS",
          config.stream,
          ">",
        ),
      ),
    );
  };

  const loop = (async (): Promise<void> => {
    let backoff = 50;
    while (!stopped) {
      try {
        await round();
        backoff = 50;
      } catch (error) {
        if (stopped) return;
        // The connection dropped (ioredis reconnects): start again from our own pending entries.
        context.logger.warn(
          { stream: config.stream, error: redisError(error, "consume").message },
          "redis: retrying",
        );
        ownPendingFirst = true;
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 2000);
      }
    }
  })();

  return {
    async close(): Promise<void> {
      stopped = true;
      // Disconnecting ends a pending BLOCK at once; the round in hand settles first.
      blocking.disconnect();
      await loop;
    },
  };
}
