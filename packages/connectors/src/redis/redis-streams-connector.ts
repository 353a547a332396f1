import { type Connector, ConnectorError, defineConnector } from "@synapseops/core";
import type { Redis } from "ioredis";
import { parseEntries } from "./_entries";
import { consumeGroup } from "./_group-consumer";
import { loadIoredis } from "./_load-ioredis";
import { RedisStreamsConfig, type RedisStreamsConnectorConfig } from "./config";
import { redisError } from "./errors";

/** Options of {@link redisStreams}. */
export interface RedisStreamsOptions {
  /**
   * `CLIENT SETNAME` of the connections, to find them in `CLIENT LIST`.
   * @default "synapseops-connector"
   */
  connectionName?: string;
}

/** A Redis Streams connector; `close()` ends its connections. */
export type RedisStreamsConnector = Connector<
  RedisStreamsConfig,
  "redis-streams",
  RedisStreamsConnectorConfig
> & {
  /** Disconnects every client this connector opened. */
  close(): Promise<void>;
};

/** What `write` returns. */
export interface RedisStreamsWriteResult {
  stream: string;
  /** The entry id; for a duplicate key, the id of the entry the first write added. */
  id: string;
  /** False when the idempotency key was seen within `dedupeTtlSeconds`: nothing was added. */
  applied: boolean;
}

/**
 * XADD unless the idempotency key is known, atomically: the key remembers the entry id for
 * `ttl` seconds, so a retried write returns the first entry instead of adding a second one.
 */
const DEDUPED_XADD = `
local id = redis.call('GET', KEYS[2])
if id then return {0, id} end
local args = {KEYS[1]}
if ARGV[4] ~= '' then table.insert(args, 'MAXLEN'); table.insert(args, '~'); table.insert(args, ARGV[4]) end
table.insert(args, '*'); table.insert(args, ARGV[1]); table.insert(args, ARGV[2])
id = redis.call('XADD', unpack(args))
redis.call('SET', KEYS[2], id, 'EX', tonumber(ARGV[3]))
return {1, id}`;

/**
 * Redis Streams as a target and a source. `write` adds an entry (`XADD`) with the record as JSON,
 * deduplicated by idempotency key; `read` pages through the stream by entry id (the cursor);
 * `subscribe` consumes as a member of a consumer group with `XACK` after success, takes over
 * entries of dead consumers with `XAUTOCLAIM`, and dead-letters fatal failures to a stream.
 * Needs the optional `ioredis` package.
 *
 * @example
 * ```ts
 * import { redisStreams } from "@synapseops/connectors/redis";
 *
 * const streams = redisStreams();
 * const runtime = createRuntime({ connectors: [streams] });
 * await runtime.connectorRefs.put(projectId, {
 *   type: "redis-streams",
 *   name: "events",
 *   config: { url: "redis://localhost:6379", stream: "orders", group: "erp-sync", deadLetterStream: "orders.dead" },
 * });
 * ```
 */
export function redisStreams(options: RedisStreamsOptions = {}): RedisStreamsConnector {
  const clients = new Map<string, Promise<Redis>>();
  const client = (url: string): Promise<Redis> => {
    let pending = clients.get(url);
    if (pending === undefined) {
      pending = loadIoredis().then((Redis) => {
        const redis = new Redis(url, {
          connectionName: options.connectionName ?? "synapseops-connector",
          // Fail a command after one reconnect attempt so the step's retry policy decides.
          maxRetriesPerRequest: 1,
        });
        redis.on("error", () => {});
        return redis;
      });
      pending.catch(() => clients.delete(url));
      clients.set(url, pending);
    }
    return pending;
  };
  const key = (config: RedisStreamsConfig, idempotencyKey: string): string =>
    `${config.stream}:idempotency:${idempotencyKey}`;

  const add = async (
    config: RedisStreamsConfig,
    record: unknown,
    idempotencyKey: string | undefined,
  ): Promise<RedisStreamsWriteResult> => {
    const data = JSON.stringify(record);
    if (data === undefined) throw ConnectorError.nonRetryable("redis: the record is not JSON-serialisable");
    const redis = await client(config.url);
    try {
      if (idempotencyKey === undefined) {
        const trim = config.maxLen === undefined ? [] : ["MAXLEN", "~", config.maxLen];
        const id = await redis.call("XADD", config.stream, ...trim, "*", config.field, data);
        return { stream: config.stream, id: String(id), applied: true };
      }
      const [applied, id] = (await redis.eval(
        DEDUPED_XADD,
        2,
        config.stream,
        key(config, idempotencyKey),
        config.field,
        data,
        config.dedupeTtlSeconds,
        config.maxLen ?? "",
      )) as [number, string];
      return { stream: config.stream, id: String(id), applied: applied === 1 };
    } catch (error) {
      throw redisError(error, `XADD to "${config.stream}"`);
    }
  };

  const connector = defineConnector({
    type: "redis-streams",
    version: "0.1.0",
    configSchema: RedisStreamsConfig,
    secrets: [],
    capabilities: {
      async *read(config, _context, { cursor }) {
        const redis = await client(config.url);
        let after = typeof cursor === "string" ? cursor : undefined;
        try {
          if (after === undefined && config.mode === "incremental") {
            const last = parseEntries(await redis.call("XREVRANGE", config.stream, "+", "-", "COUNT", 1));
            after = last[0]?.id ?? "0-0";
            yield { records: [], cursor: after };
          }
          for (;;) {
            const entries = parseEntries(
              await redis.call(
                "XRANGE",
                config.stream,
                after === undefined ? "-" : `(${after}`,
                "+",
                "COUNT",
                config.batchSize,
              ),
            );
            if (entries.length === 0) return;
            after = entries[entries.length - 1]!.id;
            yield {
              records: entries.map((entry) => JSON.parse(entry.fields[config.field] ?? "null")),
              cursor: after,
            };
            if (entries.length < config.batchSize) return;
          }
        } catch (error) {
          throw redisError(error, `XRANGE of "${config.stream}"`);
        }
      },
      write: (config, record, context) => add(config, record, context.idempotencyKey),
      async writeBatch(config, records, context) {
        return Promise.all(
          records.map((record, index) => add(config, record, context.idempotencyKeys?.[index])),
        );
      },
      async subscribe(config, context, deliver) {
        try {
          return await consumeGroup(await client(config.url), config, context, deliver);
        } catch (error) {
          throw redisError(error, `subscribe to "${config.stream}"`);
        }
      },
      async test(config) {
        try {
          await (await client(config.url)).ping();
        } catch (error) {
          throw redisError(error, "connection test");
        }
      },
      async health(config) {
        try {
          const redis = await client(config.url);
          const length = Number(await redis.call("XLEN", config.stream));
          const groups = (await redis.call("XINFO", "GROUPS", config.stream).catch(() => [])) as unknown[][];
          for (const group of groups) {
            const info: Record<string, unknown> = {};
            for (let i = 0; i + 1 < group.length; i += 2) info[String(group[i])] = group[i + 1];
            if (info.name !== config.group) continue;
            // Redis 7 reports the group's lag; null when it cannot tell (after deletions): count it.
            const lag = info.lag === null || info.lag === undefined ? length : Number(info.lag);
            return { ok: true, detail: { lag, pending: Number(info.pending ?? 0), length } };
          }
          return { ok: true, detail: { lag: length, pending: 0, length } };
        } catch (error) {
          return { ok: false, detail: { error: redisError(error, "health").message } };
        }
      },
    },
  });

  return Object.assign(connector, {
    async close(): Promise<void> {
      const all = [...clients.values()];
      clients.clear();
      for (const pending of all) (await pending.catch(() => undefined))?.disconnect();
    },
  });
}
