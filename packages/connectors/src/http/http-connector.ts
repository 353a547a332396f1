import { type Connector, type ConnectorContext, ConnectorError, defineConnector } from "@synapseops/core";
import type { TraceRecorder } from "../traces/trace-recorder";
import { type HttpCall, type HttpResult, type HttpSignHook, httpSender } from "./_send";
import { buildUrl, resolveBaseUrl } from "./_url";
import { encodeBody } from "./body";
import { HttpConfig, type HttpConnectorConfig, type HttpRequestSpec } from "./config";
import { oauth2TokenCache } from "./oauth2";
import { readPages } from "./pagination";

/** Options of {@link http}. */
export interface HttpConnectorOptions<Type extends string = "http"> {
  /**
   * The fetch to use (an undici `fetch` with a custom dispatcher, a recorder).
   * @default globalThis.fetch
   */
  fetch?: typeof fetch;
  /**
   * Signs each request after auth, for custom schemes (AWS SigV4, HMAC-signed APIs).
   * @example
   * ```ts
   * http({ sign: async (request, ctx) => {
   *   const body = await request.clone().text();
   *   request.headers.set("x-signature", hmac(ctx.secrets.signingKey, body));
   *   return request;
   * } });
   * ```
   */
  sign?: HttpSignHook;
  /**
   * The clock for OAuth2 token expiry, for tests.
   * @default Date.now
   */
  now?: () => number;
  /**
   * Records every exchange of the connector (OAuth2 token requests included) as a redacted trace.
   * @example
   * ```ts
   * const recorder = createTraceRecorder({ projectId, environment: "sandbox", shipper });
   * createRuntime({ connectors: [http({ traces: recorder })] });
   * ```
   */
  traces?: Pick<TraceRecorder, "wrapFetch">;
  /**
   * The type name, to register several http connectors with different hooks.
   * @default "http"
   */
  type?: Type;
}

/** The http connector of type name `Type` (`"http"` unless renamed with `type`). */
export type HttpConnector<Type extends string = "http"> = Connector<HttpConfig, Type, HttpConnectorConfig>;

/** What `write` resolves to: the 2xx answer. */
export interface HttpWriteResult {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/**
 * The http connector: writes records as requests (JSON, form or text), reads paged collections
 * (cursor, Link header, offset or page), with auth (API key, bearer, basic, OAuth2 client
 * credentials with a shared token cache), per-call timeouts and typed, classified errors.
 *
 * @example
 * ```ts
 * const runtime = createRuntime({ connectors: [http()] });
 * await runtime.connectorRefs.put(project.id, {
 *   type: "http",
 *   name: "ERP",
 *   config: {
 *     baseUrls: { sandbox: "https://sandbox.erp.example", production: "https://erp.example" },
 *     auth: { type: "bearer", secret: "token" },
 *     write: { method: "POST", path: "/sales-orders", idempotencyHeader: "Idempotency-Key" },
 *   },
 *   secrets: { token: "ERP_TOKEN" },
 * });
 * ```
 */
export function http<const Type extends string = "http">(
  options: HttpConnectorOptions<Type> = {},
): HttpConnector<NoInfer<Type>> {
  const baseFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const fetchImpl = options.traces === undefined ? baseFetch : options.traces.wrapFetch(baseFetch);
  const sender = httpSender({
    fetch: fetchImpl,
    sign: options.sign,
    tokens: oauth2TokenCache(fetchImpl, options.now),
  });
  const type = options.type ?? ("http" as Type);

  const sendRecord = (
    config: HttpConfig,
    spec: HttpRequestSpec,
    record: unknown,
    context: ConnectorContext,
    idempotencyKey: string | undefined,
  ): Promise<HttpResult> => {
    const headers: Record<string, string> = { ...spec.headers };
    // draft-ietf-httpapi-idempotency-key-header: the same key for every attempt of one record.
    if (spec.idempotencyHeader !== undefined && idempotencyKey !== undefined) {
      headers[spec.idempotencyHeader] = idempotencyKey;
    }
    const call: HttpCall = {
      method: spec.method,
      url: buildUrl(resolveBaseUrl(config, context, type), spec.path, record, spec.query),
      headers,
      config,
      context,
    };
    if (spec.method !== "GET" && spec.method !== "DELETE") call.body = encodeBody(record, spec.body);
    return sender.send(call);
  };

  const specFor = (config: HttpConfig, operation: string | undefined): HttpRequestSpec => {
    if (operation === undefined) return config.write;
    const spec = config.operations[operation];
    if (spec === undefined) {
      const known = Object.keys(config.operations).join(", ") || "none";
      throw ConnectorError.nonRetryable(`${type}: unknown operation "${operation}" (configured: ${known})`, {
        path: "/operations",
      });
    }
    return spec;
  };

  return defineConnector({
    type,
    version: "0.1.0",
    configSchema: HttpConfig,
    capabilities: {
      async write(config, record, context) {
        const spec = specFor(config, context.operation);
        const result = await sendRecord(config, spec, record, context, context.idempotencyKey);
        return toWriteResult(result);
      },
      async writeBatch(config, records, context) {
        const spec = specFor(config, context.operation);
        const results: HttpWriteResult[] = [];
        for (const [index, record] of records.entries()) {
          results.push(
            toWriteResult(await sendRecord(config, spec, record, context, context.idempotencyKeys?.[index])),
          );
        }
        return results;
      },
      read(config, context, { cursor }) {
        const spec = config.read;
        return readPages(spec, cursor, async (page) =>
          sender.send({
            method: "GET",
            url:
              page.url === undefined
                ? buildUrl(
                    resolveBaseUrl(config, context, type),
                    spec.path,
                    {},
                    { ...spec.query, ...page.query },
                  )
                : sameOriginLink(page.url, resolveBaseUrl(config, context, type), type),
            headers: {},
            config,
            context,
          }),
        );
      },
      async test(config, context) {
        try {
          await sender.send({
            method: "GET",
            url: buildUrl(resolveBaseUrl(config, context, type), config.testPath, {}),
            headers: {},
            config,
            context,
          });
        } catch (error) {
          // Reaching the server is the test; a 404 on the test path still proves that. Auth must pass.
          if (error instanceof ConnectorError && error.status !== undefined && error.status < 500) {
            if (error.status !== 401 && error.status !== 403) return;
          }
          throw error;
        }
      },
    },
  });
}

function toWriteResult(result: HttpResult): HttpWriteResult {
  return { status: result.status, body: result.body, headers: Object.fromEntries(result.headers) };
}

/**
 * A next-page link, only on the base URL's origin: following one to another host would hand it
 * the connection's credentials (issue 19).
 */
function sameOriginLink(link: string, baseUrl: string, type: string): URL {
  const url = new URL(link);
  const origin = new URL(baseUrl).origin;
  if (url.origin !== origin)
    throw ConnectorError.nonRetryable(
      `${type}: the next page link points to another origin (${url.origin}); not followed, credentials go only to ${origin}`,
      { path: "/read/pagination" },
    );
  return url;
}
