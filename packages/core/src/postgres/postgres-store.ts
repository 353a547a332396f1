import type { Pool, QueryResultRow } from "pg";
import { StoreError } from "../errors";
import type { LimitBackend } from "../runs/limits/limit-backend";
import type { Store, TransactionalIdempotency } from "../store/types";
import { batchQueries } from "./_batch-queries";
import { blueprintQueries } from "./_blueprint-queries";
import { connectionQueries } from "./_connection-queries";
import { idempotencyQueries } from "./_idempotency-queries";
import { tablesIn } from "./_identifier";
import { postgresLimitBackend } from "./_limit-queries";
import { loadPg } from "./_load-pg";
import { oneRecordQueries } from "./_one-record-queries";
import { parkedQueries } from "./_parked-queries";
import { preparedStatementNames } from "./_prepared-statements";
import { readinessQueries } from "./_readiness-queries";
import { retentionQueries } from "./_retention-queries";
import { runQueries } from "./_run-queries";
import { scheduleQueries } from "./_schedule-queries";
import { type Db, inTransaction, queryNamed, type StatementNames, toStoreFailure } from "./_sql";
import { transactionalIdempotency } from "./_transactional-idempotency";
import { type MigrationResult, migrateSchema } from "./migrate";

/**
 * Where the store connects: a host's pool, which the store uses but never closes, or a
 * connection string, for which the store creates (with the optional `pg` package) and closes
 * its own pool.
 */
export type PostgresConnection = { pool: Pool } | { connectionString: string };

/** Options of {@link postgresStore}. */
export interface PostgresStoreOptions {
  /**
   * The schema holding every table of the store, created if missing. A plain identifier
   * (letters, digits, `_`). The host's `search_path` is left alone: every name is qualified.
   * @default "synapseops"
   * @example "synapseops_tenant_a"
   */
  schema?: string;
  /**
   * Apply pending migrations on first use. Set `false` when migrations run in a deploy step
   * (call `store.migrate()` there) or the app's database user may not change the schema.
   * @default true
   */
  migrate?: boolean;
  /**
   * Send the one-record path's statements (a webhook's run: create, start, finish) as named
   * prepared statements: each is parsed and planned once per connection instead of on every
   * call (its latency about halves). Set `false`
   * when the pool connects through a proxy that cannot keep them, such as PgBouncer in
   * transaction mode before 1.21 (or without `max_prepared_statements`).
   * @default true
   */
  preparedStatements?: boolean;
}

/** A {@link Store} on PostgreSQL. */
export interface PostgresStore extends Store {
  readonly kind: "postgres";
  /** Lets a target on the same database complete idempotency keys in its own transaction. */
  readonly transactionalIdempotency: TransactionalIdempotency;
  /** The schema the store lives in. */
  readonly schema: string;
  /** Applies pending migrations now; safe to call from several processes at once. */
  migrate(): Promise<MigrationResult>;
}

/** Every statement sent unnamed. */
const sentUnnamed: StatementNames = () => undefined;

/**
 * A durable {@link Store} on PostgreSQL, for several processes sharing one database: writes are
 * transactions with their audit entries, edits are compare-and-set on `version`, idempotency
 * claims and run-event numbering are atomic under concurrency.
 *
 * @example
 * ```ts
 * const store = postgresStore({ pool }, { schema: "synapseops" });
 * const runtime = createRuntime({ store });
 * ```
 * @throws ValidationError when `schema` is not a plain identifier.
 */
export function postgresStore(
  connection: PostgresConnection,
  options: PostgresStoreOptions = {},
): PostgresStore {
  const schemaName = options.schema ?? "synapseops";
  const tables = tablesIn(schemaName);
  const ownsPool = !("pool" in connection);

  let pool: Promise<Pool> | undefined;
  let closed: Promise<void> | undefined;
  const getPool = (): Promise<Pool> => {
    // After close() a call would otherwise open a new pool that nobody ends.
    if (closed !== undefined) return Promise.reject(new StoreError("postgres store: used after close()"));
    pool ??= (
      "pool" in connection
        ? Promise.resolve(connection.pool)
        : loadPg().then(({ Pool: PgPool }) => {
            const owned = new PgPool({ connectionString: connection.connectionString });
            // An idle connection cut by the server (restart, pg_terminate_backend) emits "error"
            // on the pool; unheard, it would crash the host. The pool drops it and reconnects.
            owned.on("error", () => {});
            // A connection cut while checked out can emit "error" more than once (the server's
            // FATAL, then the closed socket), and pg-pool listens once per query: the second,
            // unheard, would crash the host. The query in flight still fails with the error.
            owned.on("connect", (client) => {
              client.on("error", () => {});
            });
            return owned;
          })
    ).catch((error: unknown) => {
      pool = undefined;
      throw error;
    });
    return pool;
  };

  let migrated: Promise<unknown> | undefined;
  const migrate = async (): Promise<MigrationResult> => migrateSchema(await getPool(), tables, schemaName);
  // Migrations run once, on first use; a failure (database down) is retried by the next call.
  const ready = async (): Promise<Pool> => {
    if (options.migrate !== false) {
      migrated ??= migrate().catch((error: unknown) => {
        migrated = undefined;
        throw error;
      });
      await migrated;
    }
    return getPool();
  };

  // The one-record path's statements are named (prepared once per connection); the rest are sent
  // unnamed: named, the bulk path's claims and completions got generic plans that cost it about
  // a quarter of its throughput (issue 21, docs/benchmarks.md).
  const named: StatementNames = options.preparedStatements === false ? sentUnnamed : preparedStatementNames();
  const dbNaming = (names: StatementNames): Db => ({
    tables,
    async query<R extends QueryResultRow>(operation: string, text: string, params: unknown[] = []) {
      const target = await ready();
      try {
        return await queryNamed<R>(target, names, text, params);
      } catch (error) {
        throw toStoreFailure(error, operation);
      }
    },
    async transaction(operation, fn) {
      return inTransaction(await ready(), operation, fn);
    },
  });
  const db = dbNaming(sentUnnamed);

  const { completeIdempotencyKeyOn, ...idempotency } = idempotencyQueries(db);
  let limits: LimitBackend | undefined;
  const idempotencyOnClient = { completeIdempotencyKeyOn };

  return {
    kind: "postgres",
    schema: schemaName,
    migrate,
    async ping() {
      try {
        await (await getPool()).query("SELECT 1");
      } catch (error) {
        throw toStoreFailure(error, "ping");
      }
    },
    close() {
      closed ??= (async () => {
        if (!ownsPool || pool === undefined) return;
        // Let a migration in flight finish rather than cut its connection.
        await migrated?.catch(() => undefined);
        const owned = await pool.catch(() => undefined);
        try {
          await owned?.end();
        } catch (error) {
          throw toStoreFailure(error, "close");
        }
      })();
      return closed;
    },
    ...blueprintQueries(db),
    ...runQueries(db),
    ...idempotency,
    transactionalIdempotency: transactionalIdempotency(db, idempotencyOnClient),
    ...batchQueries(db),
    oneRecordRuns: oneRecordQueries(dbNaming(named)),
    ...readinessQueries(db),
    ...retentionQueries(db),
    ...connectionQueries(db, schemaName, async () => (await getPool()).options.max ?? 10),
    ...scheduleQueries(db),
    ...parkedQueries(db),
    limitBackend: () => (limits ??= postgresLimitBackend(db, ready)),
  };
}
