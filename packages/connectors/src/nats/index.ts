/**
 * NATS JetStream for SynapseOps: publish with acks and dedupe by `Nats-Msg-Id`, cursor reads by
 * stream sequence, durable consumers with ack / `nak` with delay / `term`. Needs the optional `nats`.
 *
 * @example
 * ```ts
 * import { nats } from "@synapseops/connectors/nats";
 *
 * const runtime = createRuntime({ connectors: [nats()] });
 * ```
 * @module
 */

export type { NatsConfigInput, NatsConnectorConfig } from "./config";
export { NatsConfig } from "./config";
export type { NatsConnector, NatsConnectorOptions, NatsWriteResult } from "./nats-connector";
export { nats } from "./nats-connector";
