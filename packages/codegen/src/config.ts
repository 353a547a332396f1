import type { GenerateOptions } from "./generate";

/** The `synapseops.config.ts|js|json` file: `generate()` options; CLI flags override them. */
export type SynapseOpsConfig = Omit<GenerateOptions, "onProgress" | "check" | "inMemory"> & {
  /**
   * Output folder.
   * @default "generated"
   */
  outDir?: string;
};

/**
 * Types a config file. It checks targets are given and gives editors completion.
 *
 * @example
 * ```ts
 * // synapseops.config.ts
 * import { defineConfig } from "@synapseops/codegen";
 * export default defineConfig({ input: "openapi.yaml", targets: ["sdk-ts", "postman"], outDir: "generated" });
 * ```
 */
export function defineConfig(config: SynapseOpsConfig): SynapseOpsConfig {
  return config;
}
