import { cloneJson } from "../clone-json";
import type { PendingAuthorization, StoredConnection } from "../connections/connection";
import { ConflictError, NotFoundError } from "../errors";
import { pageOf } from "./pagination";
import type { ConnectionStore } from "./types";

/** The memory store's connections: maps, copies in and out, and an in-process lock per connection. */
export function memoryConnections(): ConnectionStore {
  const connections = new Map<string, StoredConnection>();
  const pending = new Map<string, PendingAuthorization>();
  /** The tail of each connection's lock queue. */
  const locks = new Map<string, Promise<unknown>>();

  return {
    async insertConnection(connection) {
      if (connections.has(connection.id)) throw new ConflictError(`connection "${connection.id}" exists`);
      connections.set(connection.id, cloneJson(connection));
    },
    async getConnection(id) {
      const found = connections.get(id);
      return found === undefined ? undefined : cloneJson(found);
    },
    async listConnections(filter = {}) {
      const items = [...connections.values()]
        .filter(
          (c) =>
            (filter.customerId === undefined || c.customerId === filter.customerId) &&
            (filter.tenant === undefined || c.tenant === filter.tenant) &&
            (filter.connectorRefId === undefined || c.connectorRefId === filter.connectorRefId) &&
            (filter.status === undefined || c.status === filter.status),
        )
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return cloneJson(pageOf(items, (c) => c.id, filter));
    },
    async updateConnection(connection, expectedVersion) {
      const stored = connections.get(connection.id);
      if (stored === undefined) throw new NotFoundError("connection", connection.id);
      if (stored.version !== expectedVersion) {
        throw new ConflictError(
          `connection "${connection.id}" is at version ${stored.version}, not ${expectedVersion}`,
        );
      }
      connections.set(connection.id, cloneJson(connection));
    },
    async deleteConnection(id) {
      return connections.delete(id);
    },
    async insertPendingAuthorization(authorization) {
      if (pending.has(authorization.state)) throw new ConflictError("authorization state exists");
      pending.set(authorization.state, cloneJson(authorization));
    },
    async takePendingAuthorization(state, now) {
      const found = pending.get(state);
      pending.delete(state);
      // Abandoned flows go with any take, as in the PostgreSQL store.
      for (const [key, entry] of pending) {
        if (Date.parse(entry.expiresAt) <= now.getTime()) pending.delete(key);
      }
      if (found === undefined || Date.parse(found.expiresAt) <= now.getTime()) return undefined;
      return found;
    },
    async withConnectionLock(connectionId, fn) {
      const previous = locks.get(connectionId) ?? Promise.resolve();
      const run = previous.then(fn, fn);
      const tail = run.catch(() => undefined);
      locks.set(connectionId, tail);
      try {
        return await run;
      } finally {
        if (locks.get(connectionId) === tail) locks.delete(connectionId);
      }
    },
  };
}
