/**
 * "log-file": a source connector reading a JSON-lines log file line by line (node:readline, so
 * a large file is never held in memory). Its cursor is the number of lines read, so a poll
 * resumes after the last line a successful run stored. The fallback for the Redis stream.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { type Connector, ConnectorError, defineConnector } from "@synapseops/connectors";
import { z } from "zod";

/** The config of a `log-file` connector ref. */
export const LogFileConfig = z.object({
  /** Absolute path of the JSON-lines file. */
  path: z.string().min(1),
  /** Records per batch. */
  batchSize: z.int().min(1).max(10_000).default(100),
});
/** The parsed config. */
export type LogFileConfig = z.output<typeof LogFileConfig>;

/**
 * The `log-file` connector: `read` only.
 *
 * @example
 * ```ts
 * createRuntime({ connectors: [logFile()] });
 * ```
 */
export function logFile(): Connector<LogFileConfig> {
  return defineConnector({
    type: "log-file",
    version: "1.0.0",
    configSchema: LogFileConfig,
    capabilities: {
      async *read(config, _context, { cursor }) {
        const skip = typeof cursor === "number" ? cursor : 0;
        const lines = createInterface({
          input: createReadStream(config.path),
          crlfDelay: Number.POSITIVE_INFINITY,
        });
        let line = 0;
        let batch: unknown[] = [];
        try {
          for await (const text of lines) {
            line += 1;
            if (line <= skip || text.trim() === "") continue;
            try {
              batch.push(JSON.parse(text));
            } catch (error) {
              throw ConnectorError.nonRetryable(
                `log-file ${config.path}:${line}: not JSON (${(error as Error).message})`,
              );
            }
            if (batch.length === config.batchSize) {
              yield { records: batch, cursor: line };
              batch = [];
            }
          }
        } catch (error) {
          if (error instanceof ConnectorError) throw error;
          throw ConnectorError.nonRetryable(`log-file ${config.path}: ${(error as Error).message}`, {
            cause: error,
          });
        } finally {
          lines.close();
        }
        if (batch.length > 0 || line > skip) yield { records: batch, cursor: line };
      },
      async test(config) {
        const lines = createInterface({ input: createReadStream(config.path) });
        try {
          for await (const _ of lines) break;
        } catch (error) {
          throw ConnectorError.nonRetryable(`log-file ${config.path}: ${(error as Error).message}`, {
            cause: error,
          });
        } finally {
          lines.close();
        }
      },
    },
  });
}
