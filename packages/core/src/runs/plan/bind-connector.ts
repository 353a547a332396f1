import type { ResolvedConnection } from "../../connections/token-refresher";
import type { Connector, ConnectorConnection } from "../../connector";
import { ErrorCode, SynapseError } from "../../errors";
import type { ConnectorRef } from "../../model/connector-ref";
import type { Environment } from "../../model/environment";
import type { SecretProvider } from "../../secret-provider";
import type { Store } from "../../store/types";
import type { Redactor } from "../observe/redactor";
import type { CompileCache } from "./compile-cache";

/** A connector ready to call: its type's implementation, the ref's parsed config, its secrets. */
export interface BoundConnector {
  ref: ConnectorRef;
  connector: Connector;
  config: unknown;
  /** Replaced by the renewed ones when a customer connection's credentials are renewed. */
  secrets: Readonly<Record<string, string>>;
  /** The customer connection the calls go out on, for `context.connection.renewSecrets()`. */
  connection?: ConnectorConnection;
}

/** Resolves a customer connection's credentials for a run (`runtime.connections`). */
export interface ConnectionResolver {
  resolve(id: string): Promise<ResolvedConnection>;
}

/** Why a run could not start: a broken reference or a missing secret, found before any record. */
export class RunPlanError extends SynapseError {
  override name = "RunPlanError";
}

/** Everything plan compilation needs. */
export interface PlanDeps {
  store: Store;
  connectors: ReadonlyMap<string, Connector>;
  secrets: SecretProvider | undefined;
  redactor: Redactor;
  /** Where compiled mappings and expressions are kept across runs; compiled afresh without one. */
  compiled?: CompileCache;
  /** Customer connections, for runs started with `connection`. */
  connections?: ConnectionResolver;
}

/**
 * Resolves a connector ref of the project for calls: its type's implementation, its parsed config
 * and its secrets (environment secrets first, the ref's own over them, a customer connection's
 * over both when the connection is for this ref), registered for redaction.
 */
export async function bindConnectorRef(
  deps: PlanDeps,
  projectId: string,
  id: string,
  environment: Environment | undefined,
  path: string,
  connection?: ResolvedConnection,
): Promise<BoundConnector> {
  const ref = await deps.store.getConnectorRef(id);
  if (ref === undefined || ref.projectId !== projectId) {
    throw new RunPlanError(ErrorCode.NOT_FOUND, `connector "${id}" is not a connector of the project`, {
      path,
    });
  }
  const connector = deps.connectors.get(ref.type);
  if (connector === undefined) {
    throw new RunPlanError(
      ErrorCode.CONNECTOR_INVALID,
      `connector "${id}" has type "${ref.type}", which the runtime does not know`,
      { path },
    );
  }
  const config = connector.parseConfig(ref.config);
  const own = connection?.connection.connectorRefId === id ? connection : undefined;
  // A connection's names are not looked up in the secret provider: the customer's credentials
  // stand in for them.
  const needed = connector.secrets.filter((name) => own?.secrets[name] === undefined);
  const shared = await resolveSecrets(
    deps,
    { ...environment?.secrets, ...ref.secrets },
    needed,
    environment?.name,
    path,
  );
  if (own === undefined) return { ref, connector, config, secrets: shared };
  return connectionBound({ ref, connector, config, secrets: { ...shared, ...own.secrets } }, shared, own);
}

/**
 * A bound connector on a customer connection: renewing the credentials after a 401 (once across
 * workers, see token-refresher.ts) also replaces the secrets later calls of the run are given.
 */
function connectionBound(
  bound: BoundConnector,
  shared: Readonly<Record<string, string>>,
  resolved: ResolvedConnection,
): BoundConnector {
  bound.connection = {
    id: resolved.handle.id,
    async renewSecrets() {
      const renewed = await resolved.handle.renewSecrets();
      bound.secrets = { ...shared, ...renewed };
      return renewed;
    },
  };
  return bound;
}

async function resolveSecrets(
  deps: PlanDeps,
  refs: Record<string, string>,
  needed: readonly string[],
  environment: string | undefined,
  path: string,
): Promise<Record<string, string>> {
  const resolved: Record<string, string> = {};
  for (const name of new Set([...Object.keys(refs), ...needed])) {
    const key = refs[name] ?? name;
    const value =
      deps.secrets === undefined
        ? undefined
        : await deps.secrets.get(key, environment === undefined ? {} : { environment });
    if (value === undefined) {
      if (needed.includes(name)) {
        throw new RunPlanError(
          ErrorCode.SECRET_MISSING,
          `secret "${name}" (key "${key}") is not available from the secret provider`,
          { path },
        );
      }
      continue;
    }
    deps.redactor.addSecret(value);
    resolved[name] = value;
  }
  return resolved;
}
