/**
 * SynapseOps core: the blueprint model (projects, environments, connector refs, blueprints with
 * revisions and a DRAFT → VALIDATED → APPROVED lifecycle), validation, stores and the runtime a
 * host wires up.
 *
 * @example
 * ```ts
 * import { createRuntime, memoryStore } from "@synapseops/core";
 *
 * const runtime = createRuntime({ store: memoryStore() });
 * const project = await runtime.projects.create({ name: "Shop → ERP" });
 * const shop = await runtime.connectorRefs.put(project.id, { type: "http", name: "Shop" });
 * const erp = await runtime.connectorRefs.put(project.id, { type: "http", name: "ERP" });
 * const draft = await runtime.blueprints.generate(project.id, {
 *   source: { connector: shop.id, schema: orderSchema },
 *   target: { connector: erp.id, schema: salesOrderSchema },
 * });
 * const report = await runtime.blueprints.validate(draft.id);
 * if (report.ok) await runtime.blueprints.approve(draft.id);
 * ```
 * @module
 */

export type { Authorize, AuthorizeAction, AuthorizeResource } from "./authorize";
export { allowAll, assertAuthorized } from "./authorize";
export type {
  ActorOptions,
  BlueprintService,
  CreateBlueprintInput,
  EditBlueprintInput,
} from "./blueprints/blueprint-service";
export type { GenerateBlueprintInput, GeneratedBlueprint, GenerateEndpoint } from "./blueprints/generate";
export type { BlueprintAction } from "./blueprints/lifecycle";
export type { ValidationContext } from "./blueprints/validate";
export { validateBlueprintBody } from "./blueprints/validate";
export type { ValidationIssue, ValidationReport, ValidationSeverity } from "./blueprints/validation-report";
export { ValidationIssueCode } from "./blueprints/validation-report";
export type {
  ConnectionCredentials,
  ConnectionFilter,
  PendingAuthorization,
  StoredConnection,
} from "./connections/connection";
export { Connection, ConnectionAuthType, ConnectionStatus } from "./connections/connection";
export type {
  ConnectionEvent,
  ConnectionEventListener,
} from "./connections/connection-events";
export type {
  ConnectionsOptions,
  ConnectionTestResult,
  ConnectUrl,
  ConnectUrlInput,
  ReconnectCredentials,
} from "./connections/connection-inputs";
export { CreateConnectionInput } from "./connections/connection-inputs";
export type { ConnectionLock } from "./connections/connection-lock";
export type { ConnectionService, ConnectionServiceDeps } from "./connections/connection-service";
export type { OAuthProviderConfigInput } from "./connections/oauth-provider";
export { OAuthProviderConfig } from "./connections/oauth-provider";
export type { ResolveConnectionOptions, ResolvedConnection } from "./connections/token-refresher";
export type {
  Connector,
  ConnectorCapabilities,
  ConnectorConnection,
  ConnectorContext,
  ConnectorDefinition,
  HealthOptions,
  ReadBatch,
  ReadOptions,
  Subscription,
  WriteBatchContext,
  WriteContext,
  WriteIdempotency,
} from "./connector";
export { connectorRegistry, defineConnector } from "./connector";
export type { ConnectorErrorOptions } from "./connector-error";
export {
  ConnectorError,
  connectorErrorFromStatus,
  isRetryableNetworkError,
  isRetryableStatus,
  parseRetryAfter,
} from "./connector-error";
export type {
  ConnectorCallOptions,
  ConnectorService,
  ConnectorServiceDeps,
  ConnectorTestResult,
  PrepareConnectionOptions,
  PreparedConnector,
} from "./connector-service";
export { connectorService } from "./connector-service";
export type { SynapseErrorOptions } from "./errors";
export {
  BlueprintInvalidError,
  ConflictError,
  ConnectionBrokenError,
  DependencyMissingError,
  ErrorCode,
  ForbiddenError,
  IdempotencyConflictError,
  LeaseLostError,
  LifecycleError,
  NotFoundError,
  OAuthError,
  OverloadedError,
  ScheduleInvalidError,
  StoreError,
  SynapseError,
  toSynapseError,
  ValidationError,
} from "./errors";
export { IdPrefix, newId } from "./ids";
export type { InputLimits } from "./input-guard";
export {
  checkInput,
  checkStoreInt,
  DEFAULT_INPUT_LIMITS,
  STORE_INT_MAX,
  unsafeTextReason,
} from "./input-guard";
export type { JsonValue } from "./json";
export { canonicalJson, contentHash, toJsonPointer } from "./json";
export type { JsonPatchOperation } from "./json-patch";
export { diffJson } from "./json-patch";
export type { Logger } from "./logger";
export { silentLogger } from "./logger";
export { applyMergePatch } from "./merge-patch";
export { Annotation } from "./model/annotation";
export { Artifact, ArtifactFile } from "./model/artifact";
export { AuditAction, AuditEntityType, AuditEntry } from "./model/audit";
export type { BlueprintBodyInput } from "./model/blueprint";
export {
  Blueprint,
  BlueprintBody,
  BlueprintEndpoint,
  BlueprintRevision,
  BlueprintStatus,
  Trigger,
} from "./model/blueprint";
export { ConnectorRef, ConnectorRefInput } from "./model/connector-ref";
export { DeadLetter } from "./model/dead-letter";
export { Environment, EnvironmentInput, EnvironmentKind } from "./model/environment";
export {
  ConformanceProblem,
  MatchedAnnotation,
  RecordedHeaders,
  RecordedRequest,
  RecordedResponse,
} from "./model/http-exchange";
export { IdempotencyKey, IdempotencyRecord, IdempotencyState } from "./model/idempotency";
export type { ModelEntityName } from "./model/json-schemas";
export { modelJsonSchemas, modelSchemas } from "./model/json-schemas";
export { Mapping, MappingRule, MappingSample, MappingTransform } from "./model/mapping";
export { Project, ProjectInput } from "./model/project";
export type { NewRunEvent } from "./model/run";
export {
  LatencySummary,
  Lease,
  Run,
  RunCounts,
  RunEvent,
  RunEventLevel,
  RunMetrics,
  RunStatus,
  StepMetrics,
  StoredError,
} from "./model/run";
export type { StepKind } from "./model/step";
export {
  ApprovalStep,
  FilterStep,
  LookupStep,
  MapStep,
  NotifyStep,
  RetryPolicy,
  SendStep,
  Step,
  StepPolicy,
} from "./model/step";
export {
  CategoryRequirement,
  TEST_CATEGORIES,
  TestCaseResult,
  TestCaseStatus,
  TestCategory,
  TestExchange,
  TestProfile,
  TestRun,
} from "./model/test-run";
export { Trace } from "./model/trace";
export type { SourceLocation } from "./openapi/errors";
export { OpenApiError } from "./openapi/errors";
export { loadOpenApi, loadOpenApiSync } from "./openapi/load";
export { listOperations, preferredMedia, synthesiseOperationId } from "./openapi/operations";
export { getAtPointer, isRef, parsePointer, resolveRef } from "./openapi/pointer";
export type {
  HttpMethod,
  LoadOpenApiOptions,
  MediaDescriptor,
  OpenApiDocument,
  OpenApiObject,
  OpenApiSchema,
  OpenApiSecurityRequirement,
  OpenApiServer,
  OperationDescriptor,
  ParameterDescriptor,
  ParameterLocation,
  RequestBodyDescriptor,
  ResponseDescriptor,
} from "./openapi/types";
export { HTTP_METHODS } from "./openapi/types";
export type {
  ConnectorRefInputFor,
  ConnectorRefService,
  EnvironmentService,
  ProjectService,
  PutConnectorRefOptions,
} from "./projects/project-service";
export { HIDDEN_CONFIG_SECRET } from "./redaction/config-secrets";
export type { TextDetectorName } from "./redaction/detectors";
export { redactionMarker } from "./redaction/detectors";
export type {
  ExchangeDetectorName,
  ExchangeHeaders,
  ExchangeRedactionOptions,
  ExchangeRedactor,
  ExchangeRequestToRedact,
  ExchangeResponseToRedact,
  ExchangeToRedact,
} from "./redaction/exchange-redactor";
export { createExchangeRedactor, isCredentialName } from "./redaction/exchange-redactor";
export type { PathSegment } from "./redaction/json-path";
export { parseRedactionPath } from "./redaction/json-path";
export { ApprovalNotPendingError } from "./runs/approvals/approval-decisions";
export type { AdmissionOptions } from "./runs/create/admission";
export { DEFAULT_MAX_QUEUED_JOBS } from "./runs/create/admission";
export type { IngestEvent } from "./runs/create/run-input";
export { CancelledError } from "./runs/execute/cancelled-error";
export type {
  InlineQueueOptions,
  JobDeferral,
  RunJob,
  RunJobHandler,
  RunQueue,
} from "./runs/execute/run-queue";
export { inlineQueue } from "./runs/execute/run-queue";
export type { LimitBackend, SlotLease } from "./runs/limits/limit-backend";
export { memoryLimitBackend } from "./runs/limits/memory-limit-backend";
export type { RecordLimit, RecordLimitsOptions } from "./runs/limits/record-limits-options";
export type { RateLimit } from "./runs/limits/token-bucket";
export type { RedactionOptions, SecretRegistry } from "./runs/observe/redactor";
export { DEFAULT_RUN_DETECTORS, REDACTED, Redactor } from "./runs/observe/redactor";
export type { IdempotencySettings, RecordOutcome } from "./runs/records/record-context";
export type {
  RecordStepTrace,
  StepTraceEnd,
  StepTraceOptions,
  TruncatedValue,
} from "./runs/records/step-trace";
export { RECORD_STEPS_EVENT } from "./runs/records/step-trace";
export { RecordNotParkedError } from "./runs/retries/parked-records";
export type { NormalisedRetryPolicy, RetryDecision } from "./runs/retries/retry-policy";
export {
  attemptLimit,
  backoffDelay,
  decideRetry,
  normaliseRetryPolicy,
  retryDelay,
  retryHorizon,
} from "./runs/retries/retry-policy";
export type { RetryPolicyInput } from "./runs/retries/retry-presets";
export { retryPresets } from "./runs/retries/retry-presets";
export type {
  CoalescedIngest,
  CoalesceOptions,
  DebounceTrigger,
  ThrottleTrigger,
} from "./runs/triggers/coalesce-ingest";
export { coalesceIngests } from "./runs/triggers/coalesce-ingest";
export type {
  ApprovalSignal,
  BlueprintRunStats,
  DeadLetterService,
  ParkedRecords,
  ParkedRecordView,
  RunEventPageRequest,
  RunService,
  ScheduleRunTrigger,
  StartRunOptions,
} from "./runs/types";
export type { HealthCheck, Runtime, RuntimeConnectors, RuntimeOptions } from "./runtime";
export { createRuntime } from "./runtime";
export type { ScheduleFire } from "./schedules/schedule";
export {
  MissedTickPolicy,
  OverlapPolicy,
  Schedule,
  ScheduleAction,
  ScheduleFireState,
  ScheduleInput,
  ScheduleTiming,
  ScheduleUpdate,
} from "./schedules/schedule";
export type { ScheduleService } from "./schedules/schedule-service";
export type { SchedulerOptions } from "./schedules/scheduler";
export type { SecretProvider } from "./secret-provider";
export { withPayloadCodec } from "./store/encrypted-store";
export { decideIdempotencyClaim } from "./store/idempotency-claim";
export { memoryStore } from "./store/memory-store";
export { decodeCursor, encodeCursor, PAGE_LIMIT } from "./store/pagination";
export type {
  AesGcmPayloadCodecOptions,
  EnvKeyProviderOptions,
  KeyProvider,
  PayloadCodec,
  PayloadKey,
} from "./store/payload-codec";
export {
  aesGcmPayloadCodec,
  envKeyProvider,
  isEncryptedPayload,
  staticKeyProvider,
} from "./store/payload-codec";
export type {
  AuditFilter,
  BlueprintFilter,
  BlueprintStore,
  BlueprintWrite,
  ConnectionStore,
  ConnectorRefVersion,
  DeadLetterFilter,
  IdempotencyClaim,
  IdempotencyClaimResult,
  IdempotencyOutcome,
  NewRunBatch,
  OneRecordFinish,
  OneRecordFinished,
  OneRecordRunStore,
  OneRecordStart,
  OneRecordStarted,
  Page,
  PageRequest,
  ParkedRecord,
  ParkedRecordClaim,
  ParkedRecordStore,
  ReadinessStore,
  RunBatch,
  RunBatchCompletion,
  RunBatchLeaseRequest,
  RunBatchSummary,
  RunEventFilter,
  RunFilter,
  RunLeaseRequest,
  RunPayloadPurge,
  RunStore,
  ScheduleFilter,
  ScheduleFireFilter,
  ScheduleFirePruning,
  ScheduleStore,
  ScheduleTickClaim,
  ScheduleTickSettlement,
  Store,
  TestRunFilter,
  TraceFilter,
  TransactionalIdempotency,
} from "./store/types";
export { RUN_EVENT_PAYLOAD } from "./store/types";
export type {
  FieldSuggestion,
  MappingSuggester,
  MappingSuggestion,
  MappingSuggestionRequest,
} from "./suggester";
export { nameBasedSuggester } from "./suggester";
