import type { Connector } from "../../connector";
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
  secrets: Readonly<Record<string, string>>;
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
}

/**
 * Resolves a connector ref of the project for calls: its type's implementation, its parsed config
 * and its secrets (environment secrets first, the ref's own over them), registered for redaction.
 */
export async function bindConnectorRef(
  deps: PlanDeps,
  projectId: string,
  id: string,
  environment: Environment | undefined,
  path: string,
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
  const secrets = await resolveSecrets(
    deps,
    { ...environment?.secrets, ...ref.secrets },
    connector.secrets,
    environment?.name,
    path,
  );
  return { ref, connector, config, secrets };
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
