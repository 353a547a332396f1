/**
 * Where the service keeps what is its own rather than the runtime's — users, API tokens, alert
 * rules — so a restart on PostgreSQL forgets none of them. Each is a JSON document under a kind
 * and an id; the service reads them all at start and writes each change through before it
 * answers. One process owns them: a second service process on the same schema sees another's
 * changes only after a restart.
 */
export interface ServiceState {
  /** Every document of a kind, as stored. */
  load(kind: StateKind): Promise<unknown[]>;
  put(kind: StateKind, id: string, doc: unknown): Promise<void>;
  delete(kind: StateKind, id: string): Promise<void>;
  close(): Promise<void>;
}

/** What the service keeps. Browser sessions are not kept: a restart signs people out. */
export type StateKind = "user" | "token" | "alert-rule";

/** Nothing kept: the memory service forgets its state at exit. */
export const memoryState: ServiceState = {
  load: async () => [],
  put: async () => undefined,
  delete: async () => undefined,
  close: async () => undefined,
};

/** The state in a table of the store's schema (`service_state`), created when missing. */
export async function postgresState(connectionString: string, schema: string): Promise<ServiceState> {
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({ connectionString, max: 2 });
  const table = `"${schema.replaceAll('"', '""')}".service_state`;
  await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replaceAll('"', '""')}"`);
  await pool.query(
    `CREATE TABLE IF NOT EXISTS ${table} (kind text NOT NULL, id text NOT NULL, doc jsonb NOT NULL, PRIMARY KEY (kind, id))`,
  );
  return {
    async load(kind) {
      const rows = await pool.query<{ doc: unknown }>(
        `SELECT doc FROM ${table} WHERE kind = $1 ORDER BY id`,
        [kind],
      );
      return rows.rows.map((row) => row.doc);
    },
    async put(kind, id, doc) {
      await pool.query(
        `INSERT INTO ${table} (kind, id, doc) VALUES ($1, $2, $3)
         ON CONFLICT (kind, id) DO UPDATE SET doc = EXCLUDED.doc`,
        [kind, id, JSON.stringify(doc)],
      );
    },
    async delete(kind, id) {
      await pool.query(`DELETE FROM ${table} WHERE kind = $1 AND id = $2`, [kind, id]);
    },
    close: () => pool.end(),
  };
}
