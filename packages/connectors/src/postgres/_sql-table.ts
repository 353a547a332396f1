import {
  type Connector,
  ConnectorError,
  defineConnector,
  SynapseError,
  type WriteContext,
  type WriteIdempotency,
} from "@synapseops/core";
import {
  type SqlTableConfig,
  SqlTableConfig as SqlTableConfigSchema,
  type SqlTableConnectorConfig,
  type SqlWriteConfig,
} from "./_sql-config";

/** A row as the driver returns it. */
export type SqlRow = Record<string, unknown>;

/** One open pool of a SQL engine, as the shared table connector uses it. */
export interface SqlSession {
  /** Runs one statement with positional parameters. */
  query(sql: string, params: readonly unknown[]): Promise<{ rows: SqlRow[]; affected: number }>;
  /** Ends the pool. */
  close(): Promise<void>;
  /**
   * Runs `fn` on one connection between BEGIN and COMMIT (a throw rolls back); `client` is the
   * driver's connection, for a run store that completes idempotency keys on it. Engines without
   * it never write in the store's transaction.
   */
  transaction?<T>(fn: (client: unknown, query: SqlSession["query"]) => Promise<T>): Promise<T>;
}

/** How one SQL engine spells what differs between engines. */
export interface SqlDialect {
  quote(identifier: string): string;
  param(index: number): string;
  /** The clause after `VALUES …` that makes the write an upsert or a keyed no-op; "" for none. */
  conflictClause(write: SqlWriteConfig, columns: readonly string[]): string;
  /** Most bound parameters one statement may carry. */
  maxParams: number;
}

/** What a SQL engine brings to {@link sqlTableConnector}. */
export interface SqlEngine<Type extends string = string> {
  type: Type;
  version: string;
  dialect: SqlDialect;
  open(connectionString: string, password: string | undefined): Promise<SqlSession>;
  /** Turns a driver error into a classified ConnectorError (what failed goes in the message). */
  classify(error: unknown, action: string): SynapseError;
}

/** A SQL table connector; `close()` ends the pools it opened. */
export type SqlTableConnector<Type extends string = string> = Connector<
  SqlTableConfig,
  Type,
  SqlTableConnectorConfig
> & {
  /** Ends every pool this connector opened. */
  close(): Promise<void>;
};

/** One result per written record. */
export interface SqlWriteResult {
  table: string;
  /** False when the write changed nothing: its idempotency key (or identical row) was already there. */
  applied: boolean;
}

const COLUMN = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * The read/write logic postgres and mysql share: cursor-column reads in batches (backfill or
 * incremental), insert or upsert writes, idempotency keys in a unique column, lag in health.
 */
export function sqlTableConnector<const Type extends string>(
  engine: SqlEngine<Type>,
): SqlTableConnector<Type> {
  const sessions = new Map<string, Promise<SqlSession>>();
  /** The last cursor read per table, for `health` to report how many rows are behind it. */
  const lastCursor = new Map<string, unknown>();
  const { dialect } = engine;

  const session = (
    config: SqlTableConfig,
    secrets: Readonly<Record<string, string>>,
  ): Promise<SqlSession> => {
    const password = secrets.password;
    const key = `${config.connectionString}\u0000${password ?? ""}`;
    let opened = sessions.get(key);
    if (opened === undefined) {
      opened = engine.open(config.connectionString, password);
      // A failed open is not cached, so the next call tries again.
      opened.catch(() => sessions.delete(key));
      sessions.set(key, opened);
    }
    return opened;
  };

  const run = async (
    config: SqlTableConfig,
    secrets: Readonly<Record<string, string>>,
    signal: AbortSignal,
    action: string,
    sql: string,
    params: readonly unknown[],
  ): Promise<{ rows: SqlRow[]; affected: number }> => {
    if (signal.aborted) {
      throw new ConnectorError(`${engine.type} ${config.table}: ${action} aborted`, {
        retryable: true,
        cause: signal.reason,
      });
    }
    try {
      return await (await session(config, secrets)).query(sql, params);
    } catch (error) {
      throw engine.classify(error, `${engine.type} ${config.table}: ${action}`);
    }
  };

  const table = (name: string): string => name.split(".").map(dialect.quote).join(".");

  async function writeRows(
    config: SqlTableConfig,
    records: readonly unknown[],
    keys: readonly (string | undefined)[],
    secrets: Readonly<Record<string, string>>,
    signal: AbortSignal,
    onConnection?: SqlSession["query"],
  ): Promise<SqlWriteResult[]> {
    const { write } = config;
    const rows = records.map((record, index) => toRow(engine.type, config.table, record, index));
    if (write.idempotencyColumn !== undefined) {
      rows.forEach((row, index) => {
        const key = keys[index];
        if (key !== undefined) row[write.idempotencyColumn!] = key;
      });
    }
    const results: SqlWriteResult[] = rows.map(() => ({ table: config.table, applied: true }));
    // One upsert statement may not touch a row twice: a later record with the same key wins.
    const chosen =
      write.mode === "upsert" ? lastPerKey(rows, write.conflictKey ?? []) : rows.map((_, i) => i);
    const columns = [...new Set(chosen.flatMap((index) => Object.keys(rows[index]!)))];
    const perStatement = Math.max(
      1,
      Math.min(write.batchSize, Math.floor(dialect.maxParams / columns.length)),
    );
    for (let start = 0; start < chosen.length; start += perStatement) {
      const slice = chosen.slice(start, start + perStatement);
      const params: unknown[] = [];
      const tuples = slice.map((index) => {
        const row = rows[index]!;
        const cells = columns.map((column) => {
          if (!(column in row)) return "DEFAULT";
          params.push(toParam(row[column]));
          return dialect.param(params.length);
        });
        return `(${cells.join(", ")})`;
      });
      const sql = `INSERT INTO ${table(config.table)} (${columns.map(dialect.quote).join(", ")}) VALUES ${tuples.join(", ")}${dialect.conflictClause(write, columns)}`;
      const action = `write of ${slice.length} rows`;
      const { affected } =
        onConnection === undefined
          ? await run(config, secrets, signal, action, sql, params)
          : await onConnection(sql, params);
      // A single row that changed nothing hit its idempotency key: say so. Batches report applied.
      if (slice.length === 1 && affected === 0) results[slice[0]!] = { table: config.table, applied: false };
    }
    return results;
  }

  /** Per store (its `sameDatabase`, one function per store) and pool: does the pool reach it? */
  const sharedStores = new WeakMap<WriteIdempotency["sameDatabase"], Map<string, Promise<boolean>>>();
  const sharesRunStore = async (
    config: SqlTableConfig,
    secrets: Readonly<Record<string, string>>,
    hook: WriteIdempotency,
  ): Promise<boolean> => {
    const opened = await session(config, secrets);
    if (opened.transaction === undefined) return false;
    const answers = sharedStores.get(hook.sameDatabase) ?? new Map<string, Promise<boolean>>();
    sharedStores.set(hook.sameDatabase, answers);
    const key = `${config.connectionString}\u0000${secrets.password ?? ""}`;
    let answer = answers.get(key);
    if (answer === undefined) {
      answer = opened.transaction((client) => hook.sameDatabase(client));
      // A failed check (database down) is asked again next time rather than remembered.
      answer.catch(() => answers.delete(key));
      answers.set(key, answer);
    }
    return answer.catch(() => false);
  };

  /**
   * The write and the record's idempotency completion in one transaction on the run store's
   * database: both commit or neither does, so a crash can neither lose the row nor apply it twice.
   */
  async function writeWithCompletion(
    config: SqlTableConfig,
    record: unknown,
    context: WriteContext,
    hook: WriteIdempotency,
  ): Promise<SqlWriteResult | undefined> {
    const opened = await session(config, context.secrets);
    try {
      return await opened.transaction!(async (client, query) => {
        const keys = [context.idempotencyKey];
        const [result] = await writeRows(config, [record], keys, context.secrets, context.signal, query);
        await hook.completeWith(client, result);
        return result;
      });
    } catch (error) {
      // The store wraps driver errors in its own: classify what the driver said.
      const cause =
        error instanceof SynapseError && !(error instanceof ConnectorError) ? error.cause : undefined;
      throw engine.classify(
        cause ?? error,
        `${engine.type} ${config.table}: write with idempotency completion`,
      );
    }
  }

  const connector = defineConnector({
    type: engine.type,
    version: engine.version,
    configSchema: SqlTableConfigSchema,
    secrets: [],
    capabilities: {
      async *read(config, context, options) {
        const read = config.read;
        if (read === undefined) {
          throw ConnectorError.nonRetryable(`${engine.type} ${config.table}: read needs config.read`, {
            path: "/read",
          });
        }
        const cursorColumn = dialect.quote(read.cursorColumn);
        const source = table(config.table);
        const select = read.columns === undefined ? "*" : read.columns.map(dialect.quote).join(", ");
        const tableKey = `${config.connectionString}\u0000${config.table}`;
        let cursor: unknown = options.cursor;
        if (cursor === undefined && read.mode === "incremental") {
          const { rows } = await run(
            config,
            context.secrets,
            context.signal,
            "read of the current end",
            `SELECT MAX(${cursorColumn}) AS ${dialect.quote("end")} FROM ${source}`,
            [],
          );
          cursor = plainCursor(rows[0]?.end ?? null) ?? undefined;
          if (cursor !== undefined) {
            lastCursor.set(tableKey, cursor);
            yield { records: [], cursor };
          }
        }
        for (;;) {
          const where = cursor === undefined ? "" : ` WHERE ${cursorColumn} > ${dialect.param(1)}`;
          const { rows } = await run(
            config,
            context.secrets,
            context.signal,
            "read",
            `SELECT ${select} FROM ${source}${where} ORDER BY ${cursorColumn} LIMIT ${read.batchSize}`,
            cursor === undefined ? [] : [cursor],
          );
          if (rows.length === 0) return;
          cursor = plainCursor(rows[rows.length - 1]![read.cursorColumn]);
          lastCursor.set(tableKey, cursor);
          yield { records: rows, cursor };
          if (rows.length < read.batchSize) return;
        }
      },
      async write(config, record, context) {
        const hook = context.idempotency;
        if (hook?.engine === engine.type && (await sharesRunStore(config, context.secrets, hook))) {
          return writeWithCompletion(config, record, context, hook);
        }
        const [result] = await writeRows(
          config,
          [record],
          [context.idempotencyKey],
          context.secrets,
          context.signal,
        );
        return result;
      },
      async writeBatch(config, records, context) {
        return writeRows(config, records, context.idempotencyKeys ?? [], context.secrets, context.signal);
      },
      async test(config, context) {
        await run(
          config,
          context.secrets,
          context.signal,
          "connection test",
          `SELECT 1 FROM ${table(config.table)} WHERE 1 = 0`,
          [],
        );
      },
      async health(config, context, options = {}) {
        try {
          if (config.read === undefined) {
            await run(config, context.secrets, context.signal, "health", "SELECT 1", []);
            return { ok: true };
          }
          // The stored cursor (what the next poll resumes from) when the caller named a blueprint;
          // else the last cursor this process read; else every row is behind.
          const stored = options.cursor;
          const cursor = stored ?? lastCursor.get(`${config.connectionString}\u0000${config.table}`);
          const cursorSource = stored !== undefined ? "stored" : cursor !== undefined ? "read" : "none";
          const where =
            cursor === undefined
              ? ""
              : ` WHERE ${dialect.quote(config.read.cursorColumn)} > ${dialect.param(1)}`;
          const { rows } = await run(
            config,
            context.secrets,
            context.signal,
            "lag",
            `SELECT COUNT(*) AS ${dialect.quote("lag")} FROM ${table(config.table)}${where}`,
            cursor === undefined ? [] : [cursor],
          );
          return {
            ok: true,
            detail: { lag: Number(rows[0]?.lag ?? 0), cursor: cursor ?? null, cursorSource },
          };
        } catch (error) {
          return { ok: false, detail: { error: error instanceof Error ? error.message : String(error) } };
        }
      },
    },
  });

  return Object.assign(connector, {
    async close(): Promise<void> {
      const open = [...sessions.values()];
      sessions.clear();
      await Promise.all(open.map(async (pending) => (await pending.catch(() => undefined))?.close()));
    },
  });
}

function toRow(type: string, tableName: string, record: unknown, index: number): SqlRow {
  if (typeof record !== "object" || record === null || Array.isArray(record)) {
    throw ConnectorError.nonRetryable(`${type} ${tableName}: record ${index} is not an object of columns`);
  }
  const row: SqlRow = { ...(record as SqlRow) };
  for (const column of Object.keys(row)) {
    if (!COLUMN.test(column)) {
      throw ConnectorError.nonRetryable(
        `${type} ${tableName}: record ${index} has "${column}", which is not a plain column name`,
        { path: `/${index}/${column}` },
      );
    }
  }
  return row;
}

/** Objects and arrays go to JSON columns as JSON text; everything else as the driver binds it. */
function toParam(value: unknown): unknown {
  if (value === undefined) return null;
  if (value !== null && typeof value === "object" && !(value instanceof Date) && !Buffer.isBuffer(value)) {
    return JSON.stringify(value);
  }
  return value;
}

/** Cursors are stored as JSON: dates become ISO text and big integers their digits. */
function plainCursor(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  return value;
}

function lastPerKey(rows: readonly SqlRow[], key: readonly string[]): number[] {
  const last = new Map<string, number>();
  for (const [index, row] of rows.entries()) {
    last.set(JSON.stringify(key.map((column) => row[column] ?? null)), index);
  }
  return [...last.values()].sort((a, b) => a - b);
}
