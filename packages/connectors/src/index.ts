/**
 * SynapseOps connectors: the plugin interface (`defineConnector`, re-exported from core for
 * plugin authors) and the built-in connectors.
 *
 * @example
 * ```ts
 * import { createRuntime } from "@synapseops/core";
 * import { memory } from "@synapseops/connectors";
 *
 * const target = memory();
 * const runtime = createRuntime({ connectors: [target] });
 * // … runs write to target; target.written("default") lists what arrived
 * ```
 * @module
 */

export type {
  Connector,
  ConnectorCapabilities,
  ConnectorContext,
  ConnectorDefinition,
  ReadBatch,
  ReadOptions,
  SecretProvider,
  Subscription,
  WriteBatchContext,
  WriteContext,
} from "@synapseops/core";
export { defineConnector } from "@synapseops/core";
export type { HttpSignHook } from "./http/_send";
export type {
  BodyType,
  HttpAuth,
  HttpConfigInput,
  HttpPagination,
  HttpReadSpec,
  HttpRequestSpec,
} from "./http/config";
export { HttpConfig } from "./http/config";
export type { HttpConnectorOptions, HttpWriteResult } from "./http/http-connector";
export { http } from "./http/http-connector";
export { nextLink } from "./http/link-header";
export type { MemoryConnectorConfig, MemoryConnectorOptions, MemorySink } from "./memory";
export { memory } from "./memory";
export type { EnvSecretsOptions } from "./secrets/env-secrets";
export { envSecrets } from "./secrets/env-secrets";
export type { MemorySecrets } from "./secrets/memory-secrets";
export { memorySecrets } from "./secrets/memory-secrets";
