import type { ResolvedConnection } from "../../connections/token-refresher";
import { ErrorCode, NotFoundError, ValidationError } from "../../errors";
import type { Store } from "../../store/types";
import type { ConnectionResolver } from "./bind-connector";

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
  const ref = await deps.store.getConnectorRef(connection.connectorRefId);
  if (ref?.projectId !== projectId) {
    throw new ValidationError(
      `connection "${id}" is for connector ref "${connection.connectorRefId}", which is not a connector of the blueprint's project`,
      { path: "/connection", code: ErrorCode.CONNECTOR_INVALID },
    );
  }
}

/** The run's connection credentials, refreshed when due; throws `ConnectionBrokenError` at once when broken. */
export async function resolveRunConnection(deps: RunConnectionDeps, id: string): Promise<ResolvedConnection> {
  if (deps.connections === undefined) throw new NotFoundError("connection", id);
  return deps.connections.resolve(id);
}
