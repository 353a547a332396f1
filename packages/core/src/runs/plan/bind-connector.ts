import type { ResolvedConnection } from "../../connections/token-refresher";
import type { Connector } from "../../connector";
import { ErrorCode, SynapseError } from "../../errors";
import type { ConnectorRef } from "../../model/connector-ref";
import type { Environment } from "../../model/environment";
import type { SecretProvider } from "../../secret-provider";
import type { Store } from "../../store/types";
import type { Redactor } from "../observe/redactor";
import type { CompileCache } from "./compile-cache";

/**
 * A connector ready to call: its type's implementation, the ref's parsed config, its secrets.
 * Never changed once bound, and free of any customer connection's credentials: a run's calls
 * add those from its `RunConnection` (see run-connection.ts).
 */
export interface BoundConnector {
  readonly ref: ConnectorRef;
  readonly connector: Connector;
  readonly config: unknown;
  /** The environment's and the ref's secrets. */
  readonly secrets: Readonly<Record<string, string>>;
}

/** The customer connection a plan is bound for: which ref it serves and the secret names it supplies. */
export interface ConnectionSecretNames {
  connectorRefId: string;
  secretNames: readonly string[];
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
 * and its secrets (environment secrets first, the ref's own over them), registered for
 * redaction. The names a customer connection for this ref supplies are not looked up: the
 * customer's credentials stand in for them at each call.
 */
export async function bindConnectorRef(
  deps: PlanDeps,
  projectId: string,
  id: string,
  environment: Environment | undefined,
  path: string,
  connection?: ConnectionSecretNames,
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
  const secrets = await connectorSecrets(deps, ref, connector, environment, path, connection);
  return { ref, connector, config, secrets };
}

/**
 * A bound ref's secrets as the provider gives them now: asked again for each run, also when its
 * plan is kept across runs (see plan-cache.ts), so a secret rotated at the provider is seen.
 */
export function connectorSecrets(
  deps: PlanDeps,
  ref: ConnectorRef,
  connector: Connector,
  environment: Environment | undefined,
  path: string,
  connection?: ConnectionSecretNames,
): Promise<Record<string, string>> {
  const supplied = connection?.connectorRefId === ref.id ? connection.secretNames : [];
  const needed = connector.secrets.filter((name) => !supplied.includes(name));
  return resolveSecrets(deps, { ...environment?.secrets, ...ref.secrets }, needed, environment?.name, path);
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
