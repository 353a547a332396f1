import type { z } from "zod";
import { connectorSecretFields } from "./_secret-fields";
import { ErrorCode, SynapseError, ValidationError } from "./errors";
import { toJsonPointer } from "./json";
import type { Logger } from "./logger";

/** What every connector call receives. */
export interface ConnectorContext {
  /** A child logger of the runtime's. */
  logger: Logger;
  /** Aborted when the run is cancelled or the attempt times out. */
  signal: AbortSignal;
  /** The connector's secrets, resolved by the SecretProvider. Never log them. */
  secrets: Readonly<Record<string, string>>;
  /** 1 for the first attempt of a step, 2 for its first retry… */
  attempt: number;
  /** The environment the run targets; `baseUrl` is the environment's own, when it has one. */
  environment: { name: string; variables: Readonly<Record<string, string>>; baseUrl?: string };
  /**
   * Present when the call runs on a customer's connection (`runtime.connections`), whose
   * credentials are in `secrets`. After the peer rejects them (a 401), `renewSecrets` returns
   * fresh ones — one refresh across all workers — or throws `ConnectionBrokenError`; retry once.
   */
  connection?: ConnectorConnection;
}

/** The connection a connector call runs on (see {@link ConnectorContext.connection}). */
export interface ConnectorConnection {
  readonly id: string;
  /** New secrets after `secrets` were rejected. @throws ConnectionBrokenError when the connection broke. */
  renewSecrets(): Promise<Readonly<Record<string, string>>>;
}

/**
 * Completing the record's idempotency key inside the target's own transaction, offered to
 * `write` when the run store can do it (the PostgreSQL store) and the write is the record's last
 * step. A connector on the same engine and database calls {@link WriteIdempotency.completeWith}
 * before it commits: the write and the key's completion then commit together (exactly-once),
 * and the executor does not complete the key again. A connector that ignores it loses nothing.
 */
export interface WriteIdempotency {
  /** The store's engine (`postgres`): `client` must be a connection of that engine's driver. */
  readonly engine: string;
  /** Whether `client` reaches the run store's database; cache the answer per pool. */
  sameDatabase(client: unknown): Promise<boolean>;
  /**
   * Marks the key COMPLETED with `result` through `client`, inside its open transaction.
   * @throws ConflictError when this run no longer holds the key: roll back.
   */
  completeWith(client: unknown, result?: unknown): Promise<void>;
}

/** What `write` and `writeBatch` receive besides the common context. */
export interface WriteContext extends ConnectorContext {
  /** The record's idempotency key, for targets that dedupe (sent as `Idempotency-Key` by http). */
  idempotencyKey?: string;
  /** The target operation, for connectors with several (an OpenAPI operationId, a table). */
  operation?: string;
  /** Present when the key can be completed in the target's transaction (see the type). */
  idempotency?: WriteIdempotency;
}

/** What `writeBatch` receives: one idempotency key per record, in the records' order. */
export interface WriteBatchContext extends ConnectorContext {
  idempotencyKeys?: readonly (string | undefined)[];
  operation?: string;
}

/** What `read` receives besides the context. */
export interface ReadOptions {
  /** The cursor of the last batch processed; absent to read from the start. */
  cursor?: unknown;
  /** The source operation, for connectors with several. */
  operation?: string;
  /** Connector-specific request parameters (a query, a filter). */
  request?: unknown;
}

/** What `health` receives besides the context. */
export interface HealthOptions {
  /** The stored cursor of a blueprint reading this source; absent: none stored or none named. */
  cursor?: unknown;
}

/** A push source's live subscription. */
export interface Subscription {
  /** Stops delivery; resolves once no handler call is in flight. */
  close(): Promise<void>;
}

/** A batch of records read from a source, with the position to resume after it. */
export interface ReadBatch {
  records: unknown[];
  cursor?: unknown;
}

/**
 * The optional capabilities of a connector; a connector has at least one. They are declared as
 * methods (not function properties) on purpose: method parameters are bivariant, so a
 * `Connector<{ url: string }>` stays assignable to `Connector<unknown>` and registers in a runtime.
 */
export interface ConnectorCapabilities<Config> {
  /** Reads records in batches from `options.cursor` onwards; each batch carries the cursor after it. */
  read?(config: Config, context: ConnectorContext, options: ReadOptions): AsyncIterable<ReadBatch>;
  /** Writes one record; `context.idempotencyKey` is the record's key, for targets that dedupe. */
  write?(config: Config, record: unknown, context: WriteContext): Promise<unknown>;
  /**
   * Writes records in one call (a bulk endpoint, a multi-row insert); returns one result per
   * record. Without it the executor calls `write` per record.
   */
  writeBatch?(config: Config, records: readonly unknown[], context: WriteBatchContext): Promise<unknown[]>;
  /**
   * Starts a push source: `deliver` is called with each batch as it arrives, one call at a time;
   * a rejected `deliver` is the connector's cue to redeliver (nack) when its peer can.
   */
  subscribe?(
    config: Config,
    context: ConnectorContext,
    deliver: (batch: ReadBatch) => Promise<void>,
  ): Promise<Subscription>;
  /** Tests the connection; throws when it does not work. */
  test?(config: Config, context: ConnectorContext): Promise<void>;
  /**
   * Reports health, e.g. lag for sources: `options.cursor` is the cursor stored for a blueprint
   * reading this source, when the caller named one, so lag counts records behind it.
   */
  health?(
    config: Config,
    context: ConnectorContext,
    options?: HealthOptions,
  ): Promise<{ ok: boolean; detail?: Record<string, unknown> }>;
}

/**
 * A connector: a type name, a config schema, the secrets it needs and its capabilities.
 *
 * `Type` is the literal type name and `ConfigInput` the config as a connector ref writes it
 * (before the schema's defaults); {@link defineConnector} infers both, so a runtime built with
 * `createRuntime({ connectors: [http()] })` checks `connectorRefs.put` calls against them.
 * Left out, they widen to `string` and `unknown`: such a connector registers anywhere and its
 * refs are checked at run time only.
 */
export interface Connector<Config = unknown, Type extends string = string, ConfigInput = unknown>
  extends ConnectorCapabilities<Config> {
  readonly type: Type;
  readonly version: string;
  readonly configSchema: z.ZodType<Config, ConfigInput>;
  /** Names of the secrets the connector needs. */
  readonly secrets: readonly string[];
  /**
   * JSON pointers of the config fields whose values are credentials (`/webhookUrl`): connector
   * ref answers hide them (see `connectorRefs.hideSecrets`). Absent: none beyond the key names
   * every config's are hidden by.
   */
  readonly secretFields?: readonly string[];
  /** Validates a config against the schema and returns it typed. @throws ValidationError with a path. */
  parseConfig(config: unknown): Config;
}

/** What {@link defineConnector} takes. */
export interface ConnectorDefinition<Schema extends z.ZodType, Type extends string = string> {
  /** The name blueprints and connector refs use (`http`, `my-crm`). */
  type: Type;
  /** The connector's own version (semver). */
  version: string;
  /** zod schema of the config; its output type is the config type of every capability. */
  configSchema: Schema;
  /**
   * Names of the secrets every config needs (`apiKey`). A call fails before it starts when one
   * is not resolved. Secrets that only some configs use (an auth scheme's) are not listed: the
   * runtime also resolves every name the connector ref or environment maps.
   * @default []
   */
  secrets?: readonly string[];
  /**
   * JSON pointers of config fields whose values are credentials though their names do not say
   * so: a Slack webhook URL (`/webhookUrl`), a DSN under `/target`. Connector ref answers show
   * `[REDACTED:secret]` in their place. Keys named like a credential (`password`, `apiKey`,
   * `*Token`…) and the user-info and token parameters of every URL are hidden without listing.
   * `*` stands for any key or index (`/baseUrls/*`).
   * @default []
   * @example ["/webhookUrl"]
   */
  secretFields?: readonly string[];
  /** The capabilities; at least one. */
  capabilities: ConnectorCapabilities<z.output<Schema>>;
}

const CONNECTOR_TYPE = /^[a-z][a-z0-9._-]{0,62}$/;

/**
 * Defines a connector. It infers the config type from the zod schema and validates configs at
 * run time, so a wrong config fails with the path of the wrong field.
 *
 * @example
 * ```ts
 * const echo = defineConnector({
 *   type: "echo",
 *   version: "1.0.0",
 *   configSchema: z.object({ prefix: z.string().default("") }),
 *   capabilities: { write: async (config, record) => `${config.prefix}${JSON.stringify(record)}` },
 * });
 * ```
 * @throws ValidationError `CONNECTOR_INVALID` for a bad type name, no capability, or a secret
 * field that is not a pointer to a field of the config schema (`/secretFields/<i>`).
 */
export function defineConnector<Schema extends z.ZodType, const Type extends string = string>(
  definition: ConnectorDefinition<Schema, Type>,
): Connector<z.output<Schema>, Type, z.input<Schema>> {
  if (!CONNECTOR_TYPE.test(definition.type)) {
    throw new ValidationError(`connector type "${definition.type}" must match ${CONNECTOR_TYPE}`, {
      code: ErrorCode.CONNECTOR_INVALID,
      path: "/type",
    });
  }
  for (const [name, capability] of Object.entries(definition.capabilities)) {
    if (capability !== undefined && typeof capability !== "function") {
      throw new ValidationError(`connector "${definition.type}" capability "${name}" is not a function`, {
        code: ErrorCode.CONNECTOR_INVALID,
        path: `/capabilities/${name}`,
      });
    }
  }
  if (Object.values(definition.capabilities).every((capability) => capability === undefined)) {
    throw new ValidationError(
      `connector "${definition.type}" has no capability (read, write, writeBatch, subscribe, test or health)`,
      {
        code: ErrorCode.CONNECTOR_INVALID,
        path: "/capabilities",
      },
    );
  }
  const secretFields = definition.secretFields ?? [];
  connectorSecretFields(definition.type, definition.configSchema, secretFields);
  return {
    ...definition.capabilities,
    type: definition.type,
    version: definition.version,
    configSchema: definition.configSchema as z.ZodType<z.output<Schema>, z.input<Schema>>,
    secrets: definition.secrets ?? [],
    secretFields,
    parseConfig(config) {
      const parsed = definition.configSchema.safeParse(config);
      if (parsed.success) return parsed.data as z.output<Schema>;
      const first = parsed.error.issues[0];
      const path = toJsonPointer(first?.path ?? []);
      throw new ValidationError(
        `connector "${definition.type}" config ${path || "/"}: ${first?.message ?? "invalid"}`,
        {
          code: ErrorCode.CONNECTOR_INVALID,
          path,
          cause: parsed.error,
        },
      );
    },
  };
}

/** Connectors by type; a duplicate type is an error. */
export function connectorRegistry(connectors: readonly Connector[]): ReadonlyMap<string, Connector> {
  const registry = new Map<string, Connector>();
  for (const connector of connectors) {
    if (registry.has(connector.type)) {
      throw new SynapseError(ErrorCode.CONNECTOR_INVALID, `two connectors have the type "${connector.type}"`);
    }
    registry.set(connector.type, connector);
  }
  return registry;
}
