import type { PendingAuthorization, StoredConnection } from "../connections/connection";
import { ConflictError, NotFoundError } from "../errors";
import type { ConnectionStore } from "../store/types";
import { pageBounds, toPage } from "./_paging";
import { type Db, jsonParam, queryDoc, queryDocs, SqlParams, whereClause } from "./_sql";

/**
 * Connections in PostgreSQL. The refresh lock is a transaction-scoped advisory lock keyed by the
 * schema and the connection id, so workers of one store serialise and other schemas never wait.
 */
export function connectionQueries(db: Db, schema: string, poolSize: () => Promise<number>): ConnectionStore {
  const t = db.tables;
  // A lock holder keeps one pooled connection for its transaction and needs another for its
  // writes: at most half the pool holds locks at once, so holders can never take every
  // connection and wait on each other (many connections refreshing together in one process).
  let holders = 0;
  const queue: Array<() => void> = [];
  const enter = async (): Promise<void> => {
    const limit = Math.max(1, Math.floor((await poolSize()) / 2));
    while (holders >= limit) await new Promise<void>((resolve) => queue.push(resolve));
    holders += 1;
  };
  const leave = (): void => {
    holders -= 1;
    queue.shift()?.();
  };
  return {
    async insertConnection(connection) {
      const inserted = await db.query(
        "insertConnection",
        `INSERT INTO ${t.connections} (id, connector_ref_id, customer_id, tenant, status, version, doc)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
        [
          connection.id,
          connection.connectorRefId,
          connection.customerId,
          connection.tenant ?? null,
          connection.status,
          connection.version,
          jsonParam(connection),
        ],
      );
      if (inserted.rowCount === 0) throw new ConflictError(`connection "${connection.id}" already exists`);
    },
    async getConnection(id) {
      return queryDoc<StoredConnection>(
        db,
        "getConnection",
        `SELECT doc::text AS doc FROM ${t.connections} WHERE id = $1`,
        [id],
      );
    },
    async listConnections(filter = {}) {
      const { limit, after } = pageBounds(filter, "string");
      const params = new SqlParams();
      const where: string[] = [];
      if (filter.customerId !== undefined) where.push(`customer_id = ${params.add(filter.customerId)}`);
      if (filter.tenant !== undefined) where.push(`tenant = ${params.add(filter.tenant)}`);
      if (filter.connectorRefId !== undefined) {
        where.push(`connector_ref_id = ${params.add(filter.connectorRefId)}`);
      }
      if (filter.status !== undefined) where.push(`status = ${params.add(filter.status)}`);
      if (after !== undefined) where.push(`id > ${params.add(after)}`);
      const rows = await queryDocs<StoredConnection>(
        db,
        "listConnections",
        `SELECT doc::text AS doc FROM ${t.connections} ${whereClause(where)}
         ORDER BY id LIMIT ${params.add(limit + 1)}`,
        params.values,
      );
      return toPage(rows, limit, (connection) => connection.id);
    },
    async updateConnection(connection, expectedVersion) {
      const updated = await db.query(
        "updateConnection",
        `UPDATE ${t.connections}
         SET connector_ref_id = $2, customer_id = $3, tenant = $4, status = $5, version = $6, doc = $7
         WHERE id = $1 AND version = $8`,
        [
          connection.id,
          connection.connectorRefId,
          connection.customerId,
          connection.tenant ?? null,
          connection.status,
          connection.version,
          jsonParam(connection),
          expectedVersion,
        ],
      );
      if (updated.rowCount === 1) return;
      const exists = await db.query("updateConnection", `SELECT 1 FROM ${t.connections} WHERE id = $1`, [
        connection.id,
      ]);
      if (exists.rowCount === 0) throw new NotFoundError("connection", connection.id);
      throw new ConflictError(`connection "${connection.id}" changed since version ${expectedVersion}`);
    },
    async deleteConnection(id) {
      const deleted = await db.query("deleteConnection", `DELETE FROM ${t.connections} WHERE id = $1`, [id]);
      return (deleted.rowCount ?? 0) > 0;
    },
    async insertPendingAuthorization(pending) {
      const inserted = await db.query(
        "insertPendingAuthorization",
        `INSERT INTO ${t.pendingAuthorizations} (state, expires_at, doc) VALUES ($1, $2, $3)
         ON CONFLICT (state) DO NOTHING`,
        [pending.state, pending.expiresAt, jsonParam(pending)],
      );
      if (inserted.rowCount === 0) throw new ConflictError("authorization state already exists");
    },
    async takePendingAuthorization(state, now) {
      // Expired ones go with any take, so abandoned flows do not pile up.
      await db.query(
        "takePendingAuthorization",
        `DELETE FROM ${t.pendingAuthorizations} WHERE expires_at <= $1`,
        [now.toISOString()],
      );
      return queryDoc<PendingAuthorization>(
        db,
        "takePendingAuthorization",
        `DELETE FROM ${t.pendingAuthorizations} WHERE state = $1 AND expires_at > $2 RETURNING doc::text AS doc`,
        [state, now.toISOString()],
      );
    },
    async withConnectionLock(connectionId, fn) {
      // The lock lives as long as this transaction; `fn` writes through the pool, so its writes
      // are committed (visible to the next holder) before the lock is released.
      await enter();
      try {
        return await db.transaction("withConnectionLock", async (client) => {
          await client.query("SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))", [
            `synapseops.connection:${schema}`,
            connectionId,
          ]);
          return fn();
        });
      } finally {
        leave();
      }
    },
  };
}
