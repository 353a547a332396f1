import type { MockServerOptions } from "../../mock/types";

/** Options of the `mock` generator: the defaults baked into the generated start script. */
export interface MockGeneratorOptions {
  /**
   * Port the script listens on (overridable with the PORT environment variable).
   * @default 4010
   * @example
   * ```ts
   * generate({ input, targets: ["mock"], options: { mock: { port: 8080, server: { latencyMs: 50 } } } });
   * ```
   */
  port?: number;
  /** Mock server options (latency, error rate, rate limit…). */
  server?: MockServerOptions;
}
