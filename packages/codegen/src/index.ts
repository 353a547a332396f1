/**
 * SynapseOps codegen: artifacts generated from blueprints and OpenAPI documents. For now, the
 * model's JSON Schemas; OpenAPI, SDKs, Postman collections and contract tests follow.
 *
 * @example
 * ```ts
 * import { generateModelSchemas } from "@synapseops/codegen";
 * const files = generateModelSchemas({ io: "input" });
 * ```
 * @module
 */
export { generateModelSchemas } from "./model-schemas";
export type { GeneratedFile } from "./types";
