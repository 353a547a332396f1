/**
 * The SynapseOps mapping engine: JSONata expressions evaluated within limits, and mapping
 * rules compiled to JSONata.
 *
 * @example
 * ```ts
 * import { compileExpression, compileMapping } from "@synapseops/mapping";
 *
 * const mapping = compileExpression(
 *   compileMapping([{ target: "customer.email", from: "email" }]),
 *   { timeoutMs: 100 },
 * );
 * await mapping.evaluate({ email: "ada@example.com" }); // { customer: { email: "ada@example.com" } }
 * ```
 * @module
 */

export { decompile } from "./decompile";
export type { MappingErrorOptions } from "./errors";
export { MappingError, MappingErrorCode } from "./errors";
export type { ExplainedField, ExplainedStep, Explanation } from "./explain";
export { explain } from "./explain";
export type { CompiledExpression, CompileExpressionOptions } from "./expression";
export { compileExpression } from "./expression";
export type { CompileOptions, EvaluateOptions, EvaluationLimits, ResolvedLimits } from "./expression-options";
export { DEFAULT_LIMITS } from "./expression-options";
export type { MappingFunction } from "./function-registry";
export { registeredFunctions, registerFunction } from "./function-registry";
export type { FunctionExample, LibraryFunction } from "./functions/define";
export { libraryFunctions } from "./functions/index";
export type { CompiledMapping, CompileMappingOptions } from "./mapping-definition";
export { compileMappingDefinition } from "./mapping-definition";
export { compileMapping } from "./rules";
export { createMappingSuggester, suggestMappings } from "./suggest/suggest";
export type {
  FieldSuggestion,
  MappingSuggester,
  MappingSuggestion,
  MappingSuggestionRequest,
  SuggestOptions,
} from "./suggest/types";
export type { MappingTestReport, SampleDiff, SampleResult } from "./test-mapping";
export { testMapping } from "./test-mapping";
export type {
  JsonSchema,
  LookupTables,
  MappingDefinition,
  MappingRule,
  MappingSample,
  Transform,
} from "./types";
export type { OutputIssue } from "./validate-output";
export { MappingOutputError, validateOutput } from "./validate-output";
export type { WorkerEvaluateOptions, WorkerEvaluator, WorkerEvaluatorOptions } from "./worker-evaluator";
export { createWorkerEvaluator } from "./worker-evaluator";
