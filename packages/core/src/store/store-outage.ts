import { StoreError } from "../errors";

/**
 * Whether a failure is the store being unreachable (a dropped connection, a server shutting
 * down), as opposed to a bug or bad data: only then is the work worth trying again. The store
 * says so itself (`StoreError.outage`, set by the engine that knows its error codes); callers
 * know no database's codes.
 */
export function isStoreOutage(error: unknown): boolean {
  return error instanceof StoreError && error.outage;
}
