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
} from "@synapseops/core";
export { defineConnector } from "@synapseops/core";
export type { MemoryConnectorConfig, MemoryConnectorOptions, MemorySink } from "./memory";
export { memory } from "./memory";
