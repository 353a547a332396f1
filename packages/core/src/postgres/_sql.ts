import type { Pool, PoolClient, QueryResult, QueryResultRow } from "pg";
import { isRetryableNetworkError } from "../connector-error";
import { ConflictError, StoreError, SynapseError } from "../errors";
import type { Tables } from "./_identifier";

/** What runs a query: the pool or a connection inside a transaction. */
export type Queryable = Pick<PoolClient, "query">;

/** What the query modules are given: qualified table names and ways to run SQL once migrated. */
export interface Db {
  tables: Tables;
  /** One statement on the pool. `operation` names the store method in error messages. */
  query<R extends QueryResultRow>(
    operation: string,
    text: string,
    params?: unknown[],
  ): Promise<QueryResult<R>>;
  /** `fn` on one connection between BEGIN and COMMIT; any throw rolls everything back. */
  transaction<T>(operation: string, fn: (client: Queryable) => Promise<T>): Promise<T>;
}

/** The `code` of an error: a SQLSTATE for pg errors, `ERR_MODULE_NOT_FOUND` for imports. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}

/**
 * Turns a failure into our typed errors: ours pass through, a unique violation is a conflict,
 * everything else is a StoreError that keeps the pg error as `cause`.
 */
export function toStoreFailure(error: unknown, operation: string): SynapseError {
  if (error instanceof SynapseError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const state = errorCode(error);
  if (state === "23505") {
    const detail =
      typeof error === "object" && error !== null && "detail" in error && typeof error.detail === "string"
        ? ` (${error.detail})`
        : "";
    return new ConflictError(`postgres store: ${operation}: ${message}${detail}`, { cause: error });
  }
  if (state === "22P05") {
    // jsonb cannot hold U+0000 (or unpaired surrogates) in strings, which JavaScript allows.
    return new StoreError(
      `postgres store: ${operation}: a string contains a character PostgreSQL jsonb cannot store (U+0000 or an unpaired surrogate): ${message}`,
      { cause: error },
    );
  }
  return new StoreError(`postgres store: ${operation} failed: ${message}`, {
    cause: error,
    outage: isOutage(state, message, error),
  });
}

/**
 * pg's words for a connection that is gone or unusable (it gives these no SQLSTATE): cut
 * mid-query, ended, broken by an earlier error, or no connection to be had in time.
 */
const LOST_CONNECTION =
  /Connection terminated|Connection ended|connection timeout|timeout exceeded when trying to connect|not queryable|Client was closed|terminating connection/i;

/**
 * Whether a failure means PostgreSQL could not be reached or dropped us, so the same call may
 * succeed shortly: SQLSTATE classes 08 (connection exception), 57 (operator intervention: admin
 * shutdown, terminated backend) and 53 (insufficient resources), a network error, or a lost
 * connection in pg's own words.
 */
function isOutage(state: string | undefined, message: string, error: unknown): boolean {
  if (state !== undefined && /^(08|57|53)/.test(state)) return true;
  return isRetryableNetworkError(error) || LOST_CONNECTION.test(message);
}

/** A statement text's prepared-statement name, or `undefined` to send it unnamed. */
export type StatementNames = (text: string) => string | undefined;

/** Sends `text` on `target` under the name `names` gives it (see _prepared-statements.ts). */
export function queryNamed<R extends QueryResultRow>(
  target: Queryable,
  names: StatementNames,
  text: string,
  params: unknown[],
): Promise<QueryResult<R>> {
  const name = names(text);
  return name === undefined ? target.query<R>(text, params) : target.query<R>({ name, text, values: params });
}

/** Runs `fn` in a transaction on a connection of `pool`. */
export async function inTransaction<T>(
  pool: Pool,
  operation: string,
  fn: (client: Queryable) => Promise<T>,
): Promise<T> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw toStoreFailure(error, operation);
  }
  // A connection cut while checked out (a restart, pg_terminate_backend) emits "error" on the
  // client, not on the pool: unheard, it would crash the worker. Heard, the query in flight
  // fails with a StoreError and the rollback below destroys the connection.
  const ignore = (): void => {};
  client.on("error", ignore);
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    client.off("error", ignore);
    client.release();
    return result;
  } catch (error) {
    let rollbackFailure: Error | undefined;
    try {
      await client.query("ROLLBACK");
    } catch (failure) {
      rollbackFailure = failure instanceof Error ? failure : new Error(String(failure));
    }
    client.off("error", ignore);
    // A connection whose rollback failed is in an unknown state: destroy it instead of pooling it.
    client.release(rollbackFailure);
    throw toStoreFailure(error, operation);
  }
}

/** A jsonb parameter: stringified here because pg would turn a JS array into a SQL array. */
export function jsonParam(value: unknown): string {
  return JSON.stringify(value);
}

/**
 * An entity from its `doc::text` column. Read as text and parsed here, rather than through pg's
 * type parsers, so a host pool with custom parsers cannot change what we return, and every call
 * returns a fresh object.
 */
export function fromDoc<T>(text: string): T {
  const parsed: unknown = JSON.parse(text);
  return parsed as T;
}

/** A row holding an entity in its `doc::text` column. */
export type DocRow = { doc: string };

/** The entity of a query's first row, or `undefined` when it found none. */
export async function queryDoc<T>(
  db: Pick<Db, "query">,
  operation: string,
  text: string,
  params: unknown[],
): Promise<T | undefined> {
  const row = (await db.query<DocRow>(operation, text, params)).rows[0];
  return row === undefined ? undefined : fromDoc<T>(row.doc);
}

/** The entities of every row of a query, in row order. */
export async function queryDocs<T>(
  db: Pick<Db, "query">,
  operation: string,
  text: string,
  params: unknown[],
): Promise<T[]> {
  return (await db.query<DocRow>(operation, text, params)).rows.map((row) => fromDoc<T>(row.doc));
}

/** Collects positional parameters for a statement built from optional filters. */
export class SqlParams {
  readonly values: unknown[] = [];
  /** Adds a value and returns its placeholder (`$3`). */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** `WHERE a AND b`, or nothing without conditions. */
export function whereClause(conditions: readonly string[]): string {
  return conditions.length === 0 ? "" : `WHERE ${conditions.join(" AND ")}`;
}
