import type { BlueprintOpenApiOptions } from "./_from-blueprints";

/** Options of the `openapi` generator. */
export interface OpenApiGeneratorOptions extends BlueprintOpenApiOptions {
  /**
   * Output format of the document.
   * @default "json"
   * @example
   * ```ts
   * generate({ input, targets: ["openapi"], options: { openapi: { format: "yaml" } } });
   * ```
   */
  format?: "json" | "yaml";
}
