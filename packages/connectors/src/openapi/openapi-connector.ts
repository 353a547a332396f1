import {
  type Connector,
  type ConnectorContext,
  ConnectorError,
  defineConnector,
  ErrorCode,
  type LoadOpenApiOptions,
  loadOpenApiSync,
  type OpenApiDocument,
  type OpenApiServer,
  ValidationError,
} from "@synapseops/core";
import { type HttpResult, type HttpSignHook, httpSender } from "../http/_send";
import { encodeBody } from "../http/body";
import type { HttpAuth } from "../http/config";
import { oauth2TokenCache } from "../http/oauth2";
import { readPages } from "../http/pagination";
import { bodyValidator } from "./body-validator";
import { OpenApiConnectorConfig, type OpenApiConnectorConfigInput } from "./config";
import { describeOperations, type OpenApiOperation } from "./operations";
import { serialiseParameters } from "./parameters";
import { authForOperation } from "./security";

/** Options of {@link openapi}. */
export interface OpenApiConnectorOptions<Type extends string = "openapi"> {
  /** The OpenAPI 3.0/3.1 document: a loaded one, an object, JSON/YAML text or a file path. */
  document: OpenApiDocument | object | string;
  /** Options for loading `document`. */
  load?: LoadOpenApiOptions;
  /**
   * The type name refs use; give each API its own (`stripe`, `erp`).
   * @default "openapi"
   */
  type?: Type;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Signs each request after auth (see the http connector). */
  sign?: HttpSignHook;
  /** The clock for OAuth2 token expiry, for tests. @default Date.now */
  now?: () => number;
}

/** What `write` takes: the operation's parameters by name, and its body. */
export interface OpenApiCallInput {
  parameters?: Record<string, unknown>;
  body?: unknown;
}

/** The openapi connector of type name `Type`, with the operations it knows. */
export type OpenApiConnector<Type extends string = "openapi"> = Connector<
  OpenApiConnectorConfig,
  Type,
  OpenApiConnectorConfigInput
> & {
  /** Every operation of the document, by operationId. */
  readonly operations: ReadonlyMap<string, OpenApiOperation>;
  readonly document: OpenApiDocument;
};

/**
 * An http connector built from an OpenAPI document: `write` calls an operation by operationId
 * (`ctx.operation`) with path/query/header/cookie parameters serialised per the document, the
 * request body checked against its schema (Ajv) before anything is sent, the server chosen per
 * environment and auth derived from the operation's security schemes.
 *
 * @example
 * ```ts
 * const petstore = openapi({ document: "./petstore.yaml", type: "petstore" });
 * createRuntime({ connectors: [petstore] });
 * // ref config: { baseUrls: { sandbox: "https://sandbox.pets.example" }, credentials: { api_key: { secret: "petsKey" } } }
 * // a send step: operation "addPet", record { body: { name: "Rex" } }
 * ```
 */
export function openapi<const Type extends string = "openapi">(
  options: OpenApiConnectorOptions<Type>,
): OpenApiConnector<NoInfer<Type>> {
  const document = loadOpenApiSync(options.document, options.load);
  const operations = describeOperations(document);
  const validator = bodyValidator(document);
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  const sender = httpSender({
    fetch: fetchImpl,
    sign: options.sign,
    tokens: oauth2TokenCache(fetchImpl, options.now),
  });
  const type = options.type ?? ("openapi" as Type);

  const operationFor = (id: string | undefined): OpenApiOperation => {
    const operation = id === undefined ? undefined : operations.get(id);
    if (operation === undefined) {
      throw ConnectorError.nonRetryable(
        id === undefined
          ? `${type}: no operation given (set ctx.operation or config.defaultOperation)`
          : `${type}: the document has no operation "${id}"`,
        { path: "/operation" },
      );
    }
    return operation;
  };

  const call = (
    config: OpenApiConnectorConfig,
    operation: OpenApiOperation,
    input: OpenApiCallInput,
    context: ConnectorContext,
    extra: { idempotencyKey?: string | undefined; query?: Record<string, string>; url?: string } = {},
  ): Promise<HttpResult> => {
    const descriptor = operation.descriptor;
    const params = serialiseParameters(operation.operationId, descriptor.parameters, input.parameters ?? {});
    const headers: Record<string, string> = { ...params.headers };
    if (params.cookies.length > 0) headers.cookie = params.cookies.join("; ");
    if (config.idempotencyHeader !== undefined && extra.idempotencyKey !== undefined) {
      headers[config.idempotencyHeader] = extra.idempotencyKey;
    }
    let body: ReturnType<typeof encodeBody> | undefined;
    if (operation.body !== undefined && input.body !== undefined) {
      if ("unsupported" in operation.body) {
        throw ConnectorError.nonRetryable(
          `operation "${operation.operationId}": ${operation.body.unsupported}`,
        );
      }
      validator.check(operation.operationId, descriptor.requestBody?.schema, input.body);
      body = encodeBody(input.body, operation.body.type);
      headers["content-type"] = operation.body.contentType;
    } else if (descriptor.requestBody?.required) {
      throw ConnectorError.nonRetryable(`operation "${operation.operationId}": a request body is required`, {
        path: "/body",
      });
    }
    let url: URL;
    if (extra.url !== undefined) url = new URL(extra.url);
    else {
      const path = descriptor.path.replace(/\{([^}]+)\}/g, (_match, name: string) => params.path[name] ?? "");
      const base = baseUrlFor(config, context, descriptor.servers, type);
      url = new URL(`${base.replace(/\/$/, "")}${path}`);
      for (const [name, value] of params.query) url.searchParams.append(name, value);
      for (const [name, value] of Object.entries(extra.query ?? {})) url.searchParams.set(name, value);
    }
    return sender.send({
      method: operation.method,
      url,
      headers,
      ...(body === undefined ? {} : { body }),
      config: { ...config, auth: authFor(config, document, operation) },
      context,
    });
  };

  const connector = defineConnector({
    type,
    version: "0.1.0",
    configSchema: OpenApiConnectorConfig,
    capabilities: {
      async write(config, record, context) {
        const operation = operationFor(context.operation ?? config.defaultOperation);
        const result = await call(config, operation, asInput(record), context, {
          idempotencyKey: context.idempotencyKey,
        });
        return { status: result.status, body: result.body };
      },
      async *read(config, context, { cursor }) {
        const spec = config.read;
        if (spec === undefined) {
          throw new ValidationError(`${type}: reading needs config.read.operation`, {
            code: ErrorCode.CONNECTOR_INVALID,
            path: "/read",
          });
        }
        const operation = operationFor(spec.operation);
        yield* readPages({ path: "", query: {}, ...spec }, cursor, (page) =>
          call(config, operation, { parameters: spec.parameters }, context, {
            query: page.query,
            ...(page.url === undefined ? {} : { url: page.url }),
          }),
        );
      },
      async test(config, context) {
        if (config.testOperation === undefined) {
          // Without a test operation, the config resolving to a base URL and auth is the test.
          for (const operation of operations.values()) authFor(config, document, operation);
          return;
        }
        await call(config, operationFor(config.testOperation), {}, context);
      },
    },
  });
  return Object.assign(connector, { operations, document });
}

function asInput(record: unknown): OpenApiCallInput {
  if (record === null || typeof record !== "object" || Array.isArray(record)) {
    throw ConnectorError.nonRetryable("an openapi write takes { parameters?, body? }");
  }
  return record as OpenApiCallInput;
}

function authFor(
  config: OpenApiConnectorConfig,
  document: OpenApiDocument,
  operation: OpenApiOperation,
): HttpAuth {
  if (config.auth !== undefined) return config.auth;
  const mapped = authForOperation(document, operation.descriptor.security, config.credentials);
  if ("auth" in mapped) return mapped.auth;
  throw new ValidationError(
    `operation "${operation.operationId}": no usable security scheme (${mapped.unsupported})`,
    {
      code: ErrorCode.CONNECTOR_INVALID,
      path: "/credentials",
    },
  );
}

/** `baseUrls[env]`, then `baseUrl`, then the environment's, then the document's server with its variables. */
function baseUrlFor(
  config: OpenApiConnectorConfig,
  context: ConnectorContext,
  servers: readonly OpenApiServer[],
  type: string,
): string {
  const configured =
    config.baseUrls[context.environment.name] ?? config.baseUrl ?? context.environment.baseUrl;
  if (configured !== undefined) return configured;
  const server = servers[config.server.index];
  if (server !== undefined) {
    // OpenAPI §4.8.6: `{name}` takes the given value, else the variable's default.
    const url = server.url.replace(
      /\{([^}]+)\}/g,
      (_match, name: string) => config.server.variables[name] ?? server.variables?.[name]?.default ?? "",
    );
    if (/^https?:\/\//i.test(url)) return url;
  }
  throw new ValidationError(
    `${type}: no absolute base URL for environment "${context.environment.name}" (set baseUrl or baseUrls; the document's server is ${server === undefined ? "missing" : `"${server.url}"`})`,
    { code: ErrorCode.CONNECTOR_INVALID, path: "/baseUrl" },
  );
}
