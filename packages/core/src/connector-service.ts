import type { Connector, ConnectorConnection, ConnectorContext } from "./connector";
import { ErrorCode, NotFoundError, SynapseError, ValidationError } from "./errors";
import type { ConnectorRef } from "./model/connector-ref";
import type { Environment } from "./model/environment";
import { sourceCursorScope } from "./runs/triggers/source-cursor";
import type { SecretProvider } from "./secret-provider";
import type { ServiceDeps } from "./service-deps";

/** Options of a connection test or health check. */
export interface ConnectorCallOptions {
  /**
   * The environment (by name, in the ref's project) whose variables, base URL and secret refs
   * apply. Without one, only the ref's own secret refs are used.
   */
  environment?: string;
  /** Cancels the call. */
  signal?: AbortSignal;
  /**
   * Gives up after this long.
   * @default 30_000
   */
  timeoutMs?: number;
}

/** The result of {@link ConnectorService.test}. */
export interface ConnectorTestResult {
  ok: boolean;
  /** The connector type and ref tested. */
  type: string;
  refId: string;
  durationMs: number;
  /** Why it failed, as a plain object (code, message, path). */
  error?: ReturnType<SynapseError["toJSON"]>;
}

/** Connection tests and health checks of configured connector refs. */
export interface ConnectorService {
  /**
   * Runs the connector's `test` capability for a ref: resolves the ref, parses its config,
   * resolves its secrets. A failure of the peer is reported in the result, not thrown.
   * @throws NotFoundError for an unknown ref; ValidationError `CONNECTOR_INVALID` for an
   *   unregistered type, a config failing its schema, a missing secret or a connector without `test`.
   */
  test(refId: string, options?: ConnectorCallOptions): Promise<ConnectorTestResult>;
  /**
   * Runs the connector's `health` capability (`{ ok: true }` when it has none but `test` passes).
   * With `blueprintId`, the connector gets that blueprint's stored source cursor, so a source
   * reports its lag as records after it.
   */
  health(
    refId: string,
    options?: ConnectorCallOptions & { blueprintId?: string },
  ): Promise<{ ok: boolean; detail?: Record<string, unknown> }>;
  /**
   * What every connector call needs for a ref: the connector, the parsed config and a context with
   * resolved secrets. The run executor uses it for steps; tests use it to call a capability.
   */
  prepare(
    refId: string,
    options?: ConnectorCallOptions & PrepareConnectionOptions,
  ): Promise<PreparedConnector>;
}

/** What {@link ConnectorService.prepare} takes besides the call options. */
export interface PrepareConnectionOptions {
  /** 1 for a step's first attempt. @default 1 */
  attempt?: number;
  /**
   * A customer's credentials (`connections.resolve(id).secrets`): these names are not looked up
   * in the ref's or environment's secret refs.
   */
  connectionSecrets?: Readonly<Record<string, string>>;
  /** The connection they come from (`connections.resolve(id).handle`), for renewal after a 401. */
  connection?: ConnectorConnection;
}

/** A connector ready to call for one ref. */
export interface PreparedConnector {
  ref: ConnectorRef;
  connector: Connector;
  config: unknown;
  context: ConnectorContext;
}

/** What {@link connectorService} needs besides the runtime's shared dependencies. */
export interface ConnectorServiceDeps extends ServiceDeps {
  /** Resolves secret refs; without one, a ref mapping any secret fails with a clear error. */
  secrets?: SecretProvider;
  /** Called with every secret value resolved, so the runtime's redactor masks it everywhere. */
  registerSecret?: (value: string) => void;
}

/**
 * Builds `runtime.connectors`' test and health calls over the store's connector refs.
 *
 * @example
 * ```ts
 * const connectors = connectorService({ ...deps, secrets: envSecrets() });
 * const result = await connectors.test(ref.id, { environment: "sandbox" });
 * if (!result.ok) console.log(result.error?.message);
 * ```
 */
export function connectorService(deps: ConnectorServiceDeps): ConnectorService {
  async function prepare(
    refId: string,
    options: ConnectorCallOptions & PrepareConnectionOptions = {},
  ): Promise<PreparedConnector> {
    const ref = await deps.store.getConnectorRef(refId);
    if (ref === undefined) throw new NotFoundError("connector", refId);
    const connector = deps.connectors.get(ref.type);
    if (connector === undefined) {
      const known = [...deps.connectors.keys()].join(", ") || "none";
      throw new ValidationError(
        `connector "${refId}" has type "${ref.type}", which the runtime does not know (registered: ${known})`,
        { code: ErrorCode.CONNECTOR_INVALID, path: "/type" },
      );
    }
    let config: unknown;
    try {
      config = connector.parseConfig(ref.config);
    } catch (error) {
      if (!(error instanceof SynapseError)) throw error;
      throw new ValidationError(`connector "${refId}": ${error.message}`, {
        code: ErrorCode.CONNECTOR_INVALID,
        path: `/config${error.path ?? ""}`,
        cause: error,
      });
    }
    let environment: Environment | undefined;
    if (options.environment !== undefined) {
      environment = await deps.store.getEnvironment(ref.projectId, options.environment);
      if (environment === undefined) throw new NotFoundError("environment", options.environment);
    }
    // A customer's connection supplies its secrets (`connections.resolve`); the ref's own fill the rest.
    const secrets = await resolveSecrets(deps, ref, connector, environment, options.connectionSecrets);
    const signals = [options.signal, AbortSignal.timeout(options.timeoutMs ?? 30_000)].filter(
      (signal): signal is AbortSignal => signal !== undefined,
    );
    const context: ConnectorContext = {
      logger: deps.logger.child({ connector: ref.type, connectorRef: ref.id }),
      signal: AbortSignal.any(signals),
      secrets,
      attempt: options.attempt ?? 1,
      ...(options.connection === undefined ? {} : { connection: options.connection }),
      environment: {
        name: environment?.name ?? "default",
        variables: environment?.variables ?? {},
        ...(environment?.baseUrl === undefined ? {} : { baseUrl: environment.baseUrl }),
      },
    };
    return { ref, connector, config, context };
  }

  return {
    prepare,
    async test(refId, options = {}) {
      const { ref, connector, config, context } = await prepare(refId, options);
      if (connector.test === undefined) {
        throw new ValidationError(`connector type "${ref.type}" has no connection test`, {
          code: ErrorCode.CONNECTOR_INVALID,
          path: "/type",
        });
      }
      const started = deps.clock().getTime();
      try {
        await connector.test(config, context);
        return { ok: true, type: ref.type, refId, durationMs: deps.clock().getTime() - started };
      } catch (error) {
        const failure =
          error instanceof SynapseError
            ? error
            : new SynapseError(
                ErrorCode.CONNECTOR_FAILED,
                `connection test of "${refId}" failed: ${error instanceof Error ? error.message : String(error)}`,
                {
                  cause: error,
                },
              );
        return {
          ok: false,
          type: ref.type,
          refId,
          durationMs: deps.clock().getTime() - started,
          error: failure.toJSON(),
        };
      }
    },
    async health(refId, options = {}) {
      const { connector, config, context } = await prepare(refId, options);
      if (connector.health !== undefined) {
        const cursor =
          options.blueprintId === undefined
            ? undefined
            : await deps.store.getCursor(sourceCursorScope(options.blueprintId));
        return connector.health(config, context, cursor === undefined ? {} : { cursor });
      }
      if (connector.test === undefined) return { ok: true, detail: { checked: false } };
      try {
        await connector.test(config, context);
        return { ok: true };
      } catch (error) {
        return { ok: false, detail: { error: error instanceof Error ? error.message : String(error) } };
      }
    },
  };
}

/**
 * Resolves the connector's secrets: every name the connector declares (required) plus every name
 * the ref or the environment maps; the environment's mapping wins, so one ref can point at
 * sandbox keys in `sandbox` and production keys in `production`.
 */
async function resolveSecrets(
  deps: ConnectorServiceDeps,
  ref: ConnectorRef,
  connector: Connector,
  environment: Environment | undefined,
  given: Readonly<Record<string, string>> = {},
): Promise<Record<string, string>> {
  const keys: Record<string, string> = { ...ref.secrets, ...(environment?.secrets ?? {}) };
  const names = new Set([...connector.secrets, ...Object.keys(keys)]);
  const resolved: Record<string, string> = { ...given };
  for (const name of names) {
    if (Object.hasOwn(given, name)) continue;
    const key = keys[name];
    if (key === undefined) {
      throw new ValidationError(
        `connector "${ref.id}" needs the secret "${name}", but neither the ref nor the environment maps it to a key`,
        { code: ErrorCode.CONNECTOR_INVALID, path: `/secrets/${name}` },
      );
    }
    if (deps.secrets === undefined) {
      throw new ValidationError(
        `connector "${ref.id}" maps the secret "${name}", but the runtime has no SecretProvider`,
        { code: ErrorCode.CONNECTOR_INVALID, path: `/secrets/${name}` },
      );
    }
    const value = await deps.secrets.get(
      key,
      environment === undefined ? undefined : { environment: environment.name },
    );
    if (value === undefined) {
      throw new ValidationError(
        `connector "${ref.id}": secret "${name}" is not set (provider "${deps.secrets.name}" has no key "${key}"${environment ? ` for environment "${environment.name}"` : ""})`,
        { code: ErrorCode.CONNECTOR_INVALID, path: `/secrets/${name}` },
      );
    }
    deps.registerSecret?.(value);
    resolved[name] = value;
  }
  return resolved;
}
