/**
 * SynapseOps codegen: OpenAPI 3.1, TypeScript and Python SDKs, Postman collections, contract tests,
 * a mock server and reproducible bundles — from blueprints and from any OpenAPI document.
 *
 * @example
 * ```ts
 * import { generate, createMockServer } from "@synapseops/codegen";
 * const { files, report } = await generate({
 *   input: "openapi.yaml",
 *   targets: ["openapi", "sdk-ts", "sdk-python", "postman", "tests", "bundle"],
 *   outDir: "generated",
 * });
 * ```
 * @module
 */
export type { SynapseOpsConfig, TestCommandConfig, TestEnvironmentConfig } from "./config";
export { defineConfig } from "./config";
export { CodegenConfigError, StaleOutputError } from "./errors";
export type { GenerateOptions, GenerateReport, TargetReport } from "./generate";
export { generate } from "./generate";
export type { BundleManifest, BundleOptions } from "./generators/bundle/index";
export { bundleFiles, bundleGenerator } from "./generators/bundle/index";
export type { MockGeneratorOptions } from "./generators/mock/index";
export { mockGenerator } from "./generators/mock/index";
export type { BlueprintOpenApiOptions, OpenApiGeneratorOptions } from "./generators/openapi/index";
export { blueprintsToOpenApi, openApiGenerator } from "./generators/openapi/index";
export type { PostmanOptions } from "./generators/postman/index";
export { generatePostman, POSTMAN_SCHEMA_URL, postmanGenerator } from "./generators/postman/index";
export type { BuiltinTarget, TargetName } from "./generators/registry";
export { builtinGenerators } from "./generators/registry";
export type { SdkPythonOptions } from "./generators/sdk-python/index";
export { generateSdkPython, sdkPythonGenerator } from "./generators/sdk-python/index";
export type { SdkTsOptions } from "./generators/sdk-ts/index";
export { generateSdkTs, sdkTsGenerator } from "./generators/sdk-ts/index";
export type { ContractCase, TestsOptions } from "./generators/tests/index";
export { contractCase, generateContractTests, testsGenerator } from "./generators/tests/index";
export type { GenerateInput, ResolvedInput } from "./input";
export { resolveInput } from "./input";
export { createMockServer } from "./mock/server";
export type { MockFault, MockListener, MockServer, MockServerOptions } from "./mock/types";
export { generateModelSchemas } from "./model-schemas";
export { buildGoldenSuite } from "./readiness/build-suite";
export { createTraceCollector } from "./readiness/collector";
export type {
  BatchProblem,
  CollectorAnswer,
  CollectorAnswerBody,
  CollectorProject,
  TraceCollector,
  TraceCollectorOptions,
} from "./readiness/collector-types";
export { CaseFailure, CaseNotApplicable, CaseSkip, ReadinessConfigError } from "./readiness/errors";
export { toJUnitXml } from "./readiness/junit";
export type { MockEnvironment } from "./readiness/mock-environment";
export { MOCK_WEBHOOK_PATH, startMockEnvironment } from "./readiness/mock-environment";
export { detectProfile } from "./readiness/profile";
export { readinessReport } from "./readiness/report";
export { renderReadinessHtml } from "./readiness/report-html";
export { renderReadinessMarkdown } from "./readiness/report-markdown";
export type {
  ApiReport,
  CategoryOutcome,
  CategoryReport,
  OpenFailure,
  OperationErrorRate,
  ReadinessReport,
  ReadinessReportOptions,
  TraceSummary,
} from "./readiness/report-types";
export { runSuite } from "./readiness/run-suite";
export type {
  AnnotationInput,
  CaseContext,
  CaseRequest,
  CaseResponse,
  GoldenCase,
  GoldenSuite,
  GoldenSuiteOptions,
  RunSuiteOptions,
  SuiteEnvironment,
  SuiteProgress,
  SuiteRetryPolicy,
} from "./readiness/types";
export { createExchangeValidator, validateExchange } from "./readiness/validate-exchange";
export type {
  ExchangeHeaders,
  ExchangeRequest,
  ExchangeResponse,
  ExchangeValidation,
  ExchangeValidator,
  ExchangeValidatorOptions,
  MatchedOperation,
} from "./readiness/validate-exchange-types";
export type { SampleOptions } from "./schema/sample";
export { sampleFromSchema } from "./schema/sample";
export type { SchemaProblem, SchemaValidator } from "./schema/validator";
export { createSchemaValidator } from "./schema/validator";
export type { AnyGenerator, BlueprintInput, GeneratedFile, Generator, GeneratorContext } from "./types";
export { CODEGEN_VERSION } from "./version";
