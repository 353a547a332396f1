/**
 * RabbitMQ for SynapseOps: publish with publisher confirms, consume with ack after success and
 * nack to a dead-letter exchange, reconnecting. Needs the optional `amqplib` package.
 *
 * @example
 * ```ts
 * import { rabbitmq } from "@synapseops/connectors/rabbitmq";
 *
 * const runtime = createRuntime({ connectors: [rabbitmq()] });
 * ```
 * @module
 */

export type { RabbitmqConfigInput, RabbitmqConnectorConfig } from "./config";
export { RabbitmqConfig } from "./config";
export type { RabbitmqConnector, RabbitmqWriteResult } from "./rabbitmq-connector";
export { rabbitmq } from "./rabbitmq-connector";
