import { type Connector, defineConnector } from "@synapseops/core";
import { z } from "zod";

/** Options of {@link memory}. */
export interface MemoryConnectorOptions {
  /**
   * Records a `read` yields, per channel name.
   * @default {}
   */
  sources?: Record<string, unknown[]>;
}

/** The config of a memory connector ref. */
export interface MemoryConnectorConfig {
  /** The channel records are read from and written to. @default "default" */
  channel: string;
  /** Records per batch on read. @default 100 */
  batchSize: number;
}

/** Where a memory connector keeps what it was sent, per channel. */
export interface MemorySink {
  /** The records written to a channel, in order. */
  written(channel: string): unknown[];
}

/** The memory connector (type name `memory`); a ref's config may leave out every field. */
export type MemoryConnector = Connector<MemoryConnectorConfig, "memory", Partial<MemoryConnectorConfig>> &
  MemorySink;

/**
 * An in-process source and target for examples and tests: `read` yields the records given for
 * the configured channel (the cursor is the index after the last one), `write` appends to it.
 *
 * @example
 * ```ts
 * const connector = memory({ sources: { orders: [{ id: 1 }] } });
 * const runtime = createRuntime({ connectors: [connector] });
 * ```
 */
export function memory(options: MemoryConnectorOptions = {}): MemoryConnector {
  const channels = new Map<string, unknown[]>();
  const connector = defineMemory(options.sources ?? {}, channels);
  return Object.assign(connector, {
    written: (channel: string) => structuredClone(channels.get(channel) ?? []),
  });
}

function defineMemory(
  sources: Record<string, unknown[]>,
  channels: Map<string, unknown[]>,
): Connector<MemoryConnectorConfig, "memory", Partial<MemoryConnectorConfig>> {
  return defineConnector({
    type: "memory",
    version: "0.1.0",
    configSchema: z.object({
      /** The channel records are read from and written to. */
      channel: z.string().min(1).default("default"),
      /** Records per batch on read. */
      batchSize: z.int().min(1).max(10_000).default(100),
    }),
    capabilities: {
      async *read(config, _context, { cursor }) {
        const records = sources[config.channel] ?? [];
        let position = typeof cursor === "number" ? cursor : 0;
        while (position < records.length) {
          const batch = records.slice(position, position + config.batchSize);
          position += batch.length;
          yield { records: structuredClone(batch), cursor: position };
        }
      },
      async write(config, record) {
        const list = channels.get(config.channel) ?? [];
        list.push(structuredClone(record));
        channels.set(config.channel, list);
        return { channel: config.channel, position: list.length };
      },
      async test() {},
    },
  });
}
