import type { Annotation, EnvironmentKind } from "@synapseops/core";
import type { GenerateOptions } from "./generate";
import type { AnyGenerator } from "./types";

/** The `synapseops.config.ts|js|json` file: `generate()` options; CLI flags override them. */
export type SynapseOpsConfig<Generators extends readonly AnyGenerator[] = readonly AnyGenerator[]> = Omit<
  GenerateOptions<Generators>,
  "onProgress" | "check" | "inMemory"
> & {
  /**
   * Output folder.
   * @default "generated"
   */
  outDir?: string;
  /**
   * Where `synapseops test --env <name>` runs golden suites. `mock` needs no entry: it starts the
   * document's mock server in process.
   * @example
   * ```ts
   * environments: {
   *   sandbox: { kind: "sandbox", baseUrl: "https://sandbox.api.example.com/v1", secrets: { bearerAuth: "SANDBOX_API_KEY" } },
   * }
   * ```
   */
  environments?: Record<string, TestEnvironmentConfig>;
  /** Options of `synapseops test`. */
  test?: TestCommandConfig;
};

/** One environment of the config file (the core `Environment`'s fields a suite run needs). */
export interface TestEnvironmentConfig {
  /** @default "mock" for an environment named `mock`, else "custom" */
  kind?: EnvironmentKind;
  /** Required except for `mock`. */
  baseUrl?: string;
  /** Plain values; `webhookUrl` is where webhook deliveries go (`{name}`: the webhook's name). */
  variables?: Record<string, string>;
  /**
   * Security-scheme name (or `webhookSecret`) → the name of the process environment variable
   * holding the secret. Values never go in the config file.
   */
  secrets?: Record<string, string>;
}

/** Options of `synapseops test` in the config file; CLI flags override them. */
export interface TestCommandConfig {
  /**
   * The OpenAPI documents to test.
   * @default [input] when `input` is a path
   */
  documents?: string[];
  /**
   * The project runs and the report belong to.
   * @default "adhoc"
   */
  projectId?: string;
  /** Vendor annotations matched per request and shown with failures. */
  annotations?: Annotation[];
  /** Report file (`.md`, or `.html` for HTML). */
  report?: string;
  /** JUnit XML file. */
  junit?: string;
  /** JSON file with the test runs and the report. */
  json?: string;
  /**
   * Cases run at once.
   * @default 4
   */
  concurrency?: number;
}

/**
 * Types a config file: targets are checked against the built-in generators and the config's
 * own `generators`, and editors complete them.
 *
 * @example
 * ```ts
 * // synapseops.config.ts
 * import { defineConfig } from "@synapseops/codegen";
 * export default defineConfig({ input: "openapi.yaml", targets: ["sdk-ts", "postman"], outDir: "generated" });
 * ```
 */
export function defineConfig<const Generators extends readonly AnyGenerator[] = []>(
  config: SynapseOpsConfig<Generators>,
): SynapseOpsConfig<Generators> {
  return config;
}
