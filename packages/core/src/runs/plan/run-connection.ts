import type { Connection } from "../../connections/connection";
import type { ResolvedConnection } from "../../connections/token-refresher";
import type { ConnectorConnection } from "../../connector";
import { ErrorCode, NotFoundError, ValidationError } from "../../errors";
import type { Store } from "../../store/types";
import type { BoundConnector, ConnectionResolver } from "./bind-connector";

/** What checking and resolving a run's customer connection needs. */
export interface RunConnectionDeps {
  store: Store;
  connections?: ConnectionResolver | undefined;
}

/**
 * Refuses a run on a connection that does not exist or whose connector ref belongs to another
 * project — its credentials would otherwise be silently unused (or, worse, used across tenants).
 * A BROKEN or REVOKED connection is refused when the run prepares, with `ConnectionBrokenError`.
 */
export async function checkRunConnection(
  deps: RunConnectionDeps,
  projectId: string,
  id: string,
): Promise<void> {
  const connection = await deps.store.getConnection(id);
  if (connection === undefined) throw new NotFoundError("connection", id);
  await checkConnectionProject(deps, projectId, connection);
}

/** Refuses a connection whose connector ref is not a connector of the project. */
export async function checkConnectionProject(
  deps: Pick<RunConnectionDeps, "store">,
  projectId: string,
  connection: Pick<Connection, "id" | "connectorRefId">,
): Promise<void> {
  const ref = await deps.store.getConnectorRef(connection.connectorRefId);
  if (ref?.projectId !== projectId) {
    throw new ValidationError(
      `connection "${connection.id}" is for connector ref "${connection.connectorRefId}", which is not a connector of the blueprint's project`,
      { path: "/connection", code: ErrorCode.CONNECTOR_INVALID },
    );
  }
}

/**
 * One run's (or one poll's) use of a customer connection: the connection's current credentials,
 * held here rather than in the run plan, so the plan stays free of any customer's secrets and
 * two runs of one blueprint on two connections never share them. After a 401, a call's
 * `context.connection.renewSecrets()` renews them (once across workers, see token-refresher.ts)
 * and later calls of the same run get the renewed ones.
 */
export interface RunConnection {
  readonly id: string;
  /** The connector ref whose calls use the connection. */
  readonly connectorRefId: string;
  /** The secret names the connection supplies (`token`, `apiKey`…): never looked up elsewhere. */
  readonly secretNames: readonly string[];
  /** What a call to `target` gets: the ref's secrets with the connection's over them, when it is the connection's ref. */
  callCredentials(target: BoundConnector): CallCredentials;
}

/** The secrets of one connector call, and the connection to renew them through. */
export interface CallCredentials {
  secrets: Readonly<Record<string, string>>;
  connection?: ConnectorConnection;
}

/** The run's connection, resolved now (refreshed when due); throws `ConnectionBrokenError` at once when broken. */
export async function resolveRunConnection(deps: RunConnectionDeps, id: string): Promise<RunConnection> {
  if (deps.connections === undefined) throw new NotFoundError("connection", id);
  return runConnection(await deps.connections.resolve(id));
}

/** Holds a resolved connection's credentials for the calls of one run. */
export function runConnection(resolved: ResolvedConnection): RunConnection {
  let current = resolved.secrets;
  // The merged secrets of the last call, reused while neither side changed.
  let merged: { shared: object; own: object; secrets: Readonly<Record<string, string>> } | undefined;
  const handle: ConnectorConnection = {
    id: resolved.handle.id,
    async renewSecrets() {
      current = await resolved.handle.renewSecrets();
      return current;
    },
  };
  const connectorRefId = resolved.connection.connectorRefId;
  return {
    id: resolved.connection.id,
    connectorRefId,
    secretNames: Object.keys(resolved.secrets),
    callCredentials(target) {
      if (target.ref.id !== connectorRefId) return { secrets: target.secrets };
      if (merged?.shared !== target.secrets || merged.own !== current) {
        merged = { shared: target.secrets, own: current, secrets: { ...target.secrets, ...current } };
      }
      return { secrets: merged.secrets, connection: handle };
    },
  };
}

/** A call's credentials with or without a customer connection. */
export function callCredentials(
  target: BoundConnector,
  connection: RunConnection | undefined,
): CallCredentials {
  return connection === undefined ? { secrets: target.secrets } : connection.callCredentials(target);
}
