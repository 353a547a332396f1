/**
 * SynapseOps connectors: the plugin interface (`defineConnector`, re-exported from core for
 * plugin authors), the built-in connectors (http, openapi, webhook, memory), inbound webhook
 * verification with framework adapters, and secret providers.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { createRuntime } from "@synapseops/core";
 * import { http, nodeWebhookHandler, stripe, webhookReceiver } from "@synapseops/connectors";
 *
 * const runtime = createRuntime({ connectors: [http()] });
 * const receiver = webhookReceiver({
 *   scheme: stripe({ secret: process.env.STRIPE_WEBHOOK_SECRET ?? "" }),
 *   store: runtime.store,
 *   onDelivery: (delivery) =>
 *     runtime.ingest("bp_orders", { record: delivery.body, idempotencyKey: delivery.key }),
 * });
 * createServer(nodeWebhookHandler(receiver)).listen(3000);
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
export {
  ConnectorError,
  connectorErrorFromStatus,
  defineConnector,
  isRetryableNetworkError,
  isRetryableStatus,
  parseRetryAfter,
} from "@synapseops/core";
export type { HttpSignHook } from "./http/_send";
export type {
  BodyType,
  HttpAuth,
  HttpConfigInput,
  HttpConnectorConfig,
  HttpPagination,
  HttpReadSpec,
  HttpRequestSpec,
} from "./http/config";
export { HttpConfig } from "./http/config";
export type { HttpConnector, HttpConnectorOptions, HttpWriteResult } from "./http/http-connector";
export { http } from "./http/http-connector";
export { nextLink } from "./http/link-header";
export type { MemoryConnector, MemoryConnectorConfig, MemoryConnectorOptions, MemorySink } from "./memory";
export { memory } from "./memory";
export type { EmailConnectorConfig, EmailOptions } from "./notify/email";
export { EmailConfig, email } from "./notify/email";
export type { SlackConnectorConfig } from "./notify/slack";
export { SlackConfig, slack } from "./notify/slack";
export type { TeamsConnectorConfig } from "./notify/teams";
export { TeamsConfig, teams } from "./notify/teams";
export type {
  OAuthCallbackAnswer,
  OAuthCallbackOptions,
  OAuthCallbackTarget,
} from "./oauth-callback/_answer";
export type { ExpressCallbackRequestLike } from "./oauth-callback/express";
export { expressOAuthCallbackHandler } from "./oauth-callback/express";
export type { FastifyCallbackReplyLike } from "./oauth-callback/fastify";
export { fastifyOAuthCallbackHandler } from "./oauth-callback/fastify";
export type { HonoCallbackContextLike } from "./oauth-callback/fetch";
export { fetchOAuthCallbackHandler, honoOAuthCallbackHandler } from "./oauth-callback/fetch";
export { nodeOAuthCallbackHandler } from "./oauth-callback/node";
export type { OpenApiConnectorConfigInput } from "./openapi/config";
export { OpenApiConnectorConfig } from "./openapi/config";
export type {
  OpenApiCallInput,
  OpenApiConnector,
  OpenApiConnectorOptions,
} from "./openapi/openapi-connector";
export { openapi } from "./openapi/openapi-connector";
export type { OpenApiOperation } from "./openapi/operations";
export { describeOperations } from "./openapi/operations";
export type { SchemeAuth, SchemeCredentials } from "./openapi/security";
export { schemeToAuth } from "./openapi/security";
export type { EnvSecretsOptions } from "./secrets/env-secrets";
export { envSecrets } from "./secrets/env-secrets";
export type { MemorySecrets } from "./secrets/memory-secrets";
export { memorySecrets } from "./secrets/memory-secrets";
export { NO_TRACE_HEADER, RecordedTrace, TraceBatch } from "./traces/trace-batch";
export type { TraceRecorder, TraceRecorderOptions, TraceRecorderStats } from "./traces/trace-recorder";
export { createTraceRecorder } from "./traces/trace-recorder";
export type { TraceShipper, TraceShipperOptions, TraceShipperStats } from "./traces/trace-shipper";
export { createTraceShipper } from "./traces/trace-shipper";
export type {
  UndiciDispatch,
  UndiciDispatchHandler,
  UndiciDispatchOptions,
  UndiciInterceptor,
} from "./traces/undici-interceptor";
export type { HmacAlgorithm } from "./webhook/_crypto";
export { constantTimeEqual } from "./webhook/_crypto";
export { MIN_WEBHOOK_SECRET_BYTES } from "./webhook/_secrets";
export type { WebhookAdapterOptions, WebhookAnswer } from "./webhook/adapters/_respond";
export type { ExpressRequestLike } from "./webhook/adapters/express";
export { expressWebhookHandler } from "./webhook/adapters/express";
export type { FastifyInstanceLike, FastifyParserDone, FastifyReplyLike } from "./webhook/adapters/fastify";
export { fastifyWebhookPlugin } from "./webhook/adapters/fastify";
export type { HonoContextLike } from "./webhook/adapters/fetch";
export { fetchWebhookHandler, honoWebhookHandler } from "./webhook/adapters/fetch";
export { nodeWebhookHandler } from "./webhook/adapters/node";
export type { WebhookFailureReason } from "./webhook/errors";
export { WebhookVerificationError } from "./webhook/errors";
export type { WebhookHeaders } from "./webhook/headers";
export type {
  WebhookDedupeStore,
  WebhookDelivery,
  WebhookReceipt,
  WebhookReceiver,
  WebhookReceiverOptions,
} from "./webhook/receiver";
export { webhookReceiver } from "./webhook/receiver";
export type { GitHubWebhookOptions } from "./webhook/schemes/github";
export { github } from "./webhook/schemes/github";
export type { HmacSchemeOptions } from "./webhook/schemes/hmac";
export { hmacScheme } from "./webhook/schemes/hmac";
export type { ShopifyWebhookOptions } from "./webhook/schemes/shopify";
export { shopify } from "./webhook/schemes/shopify";
export type { StandardWebhooksOptions } from "./webhook/schemes/standard-webhooks";
export { standardWebhooks } from "./webhook/schemes/standard-webhooks";
export type { StripeWebhookOptions } from "./webhook/schemes/stripe";
export { stripe } from "./webhook/schemes/stripe";
export type { StandardWebhookMessage } from "./webhook/sign";
export { generateWebhookSecret, signStandardWebhook } from "./webhook/sign";
export type { WebhookInput, WebhookScheme, WebhookSecrets, WebhookVerification } from "./webhook/types";
export type { WebhookConnectorConfig, WebhookConnectorOptions } from "./webhook/webhook-connector";
export { WebhookConfig, webhook } from "./webhook/webhook-connector";
