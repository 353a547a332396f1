import { randomUUID } from "node:crypto";
import {
  ConflictError,
  ConnectorError,
  DependencyMissingError,
  type WriteIdempotency,
} from "@synapseops/core";
import { checkTestService, connectorTestContext, testConnector } from "@synapseops/core/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPg } from "./_load-pg";
import { postgres } from "./index";

const service = await checkTestService("postgres");
const table = `so_pg_${randomUUID().slice(0, 8)}`;
const app = `so-test-${table}`;
const connector = postgres({ applicationName: app });
const admin = new pg.Pool({ connectionString: service.url, max: 2 });
admin.on("error", () => {});
const config = {
  connectionString: service.url,
  table,
  read: { cursorColumn: "id", batchSize: 10 },
  write: { mode: "upsert", conflictKey: ["sku"], idempotencyColumn: "synapse_key" },
};

beforeAll(async () => {
  if (service.skip) return;
  await admin.query(
    `CREATE TABLE ${table} (id bigserial PRIMARY KEY, sku text UNIQUE NOT NULL, qty int, doc jsonb, synapse_key text UNIQUE)`,
  );
  await admin.query(`INSERT INTO ${table} (sku, qty) SELECT 'seed-' || g, g FROM generate_series(1, 25) g`);
});

afterAll(async () => {
  if (!service.skip) await admin.query(`DROP TABLE IF EXISTS ${table}`);
  await connector.close();
  await admin.end();
});

testConnector({
  connector,
  config,
  sampleRecord: { sku: "contract", qty: 1, doc: { a: 1 } },
  invalidConfig: { value: { connectionString: "x", table: "bad name" }, path: "/table" },
  failingConfig: { connectionString: "postgres://postgres@127.0.0.1:1/test", table },
  skip: service.skip,
});

/** Retries like the executor: only retryable ConnectorErrors, a few times. */
async function withRetries<T>(call: () => Promise<T>, counter: { retries: number }): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ConnectorError && error.retryable) || attempt >= 6) throw error;
      counter.retries += 1;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}

const killConnections = async (): Promise<number> => {
  const { rows } = await admin.query(
    "SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE application_name = $1",
    [app],
  );
  return rows.length;
};

describe.skipIf(Boolean(service.skip))("postgres connector", () => {
  const ctx = connectorTestContext();

  it("backfills from the first row, resumes at a cursor and reports lag", async () => {
    const parsed = connector.parseConfig({ ...config, table });
    const seen: unknown[] = [];
    let cursor: unknown;
    for await (const batch of connector.read!(parsed, ctx, {})) {
      seen.push(...batch.records);
      cursor = batch.cursor;
      if (seen.length >= 20) break;
    }
    expect(seen).toHaveLength(20);
    const health = await connector.health!(parsed, ctx);
    expect(health.detail?.lag).toBeGreaterThanOrEqual(5);
    expect(health.detail?.cursorSource).toBe("read");
    // Relative to a stored cursor (issue 8): every row after it, whatever this process read.
    const { rows: after } = await admin.query(`SELECT count(*)::int AS n FROM ${table} WHERE id > 3`);
    const stored = await connector.health!(parsed, ctx, { cursor: "3" });
    expect(stored.detail).toMatchObject({ lag: after[0].n, cursor: "3", cursorSource: "stored" });
    expect(stored.detail?.lag).toBeGreaterThan(health.detail?.lag as number);
    const rest: unknown[] = [];
    for await (const batch of connector.read!(parsed, ctx, { cursor })) rest.push(...batch.records);
    expect((rest[0] as { id: string }).id).toBe(String(Number(cursor) + 1));
  });

  it("incremental mode starts at the current end and sees only new rows", async () => {
    const parsed = connector.parseConfig({ ...config, read: { cursorColumn: "id", mode: "incremental" } });
    const batches = [];
    for await (const batch of connector.read!(parsed, ctx, {})) batches.push(batch);
    expect(batches).toHaveLength(1);
    expect(batches[0]?.records).toEqual([]);
    await admin.query(`INSERT INTO ${table} (sku, qty) VALUES ('late', 1)`);
    const fresh: { sku: string }[] = [];
    for await (const batch of connector.read!(parsed, ctx, { cursor: batches[0]?.cursor })) {
      fresh.push(...(batch.records as { sku: string }[]));
    }
    expect(fresh.map((row) => row.sku)).toEqual(["late"]);
  });

  it("an insert retried with the same idempotency key changes nothing", async () => {
    const parsed = connector.parseConfig({
      ...config,
      write: { mode: "insert", idempotencyColumn: "synapse_key" },
    });
    const first = await connector.write!(
      parsed,
      { sku: "idem-1", qty: 1 },
      { ...ctx, idempotencyKey: "k-idem-1" },
    );
    const again = await connector.write!(
      parsed,
      { sku: "idem-1b", qty: 1 },
      { ...ctx, idempotencyKey: "k-idem-1" },
    );
    expect(first).toEqual({ table, applied: true });
    expect(again).toEqual({ table, applied: false });
    const { rows } = await admin.query(
      `SELECT count(*)::int AS n FROM ${table} WHERE synapse_key = 'k-idem-1'`,
    );
    expect(rows[0].n).toBe(1);
  });

  it("commits the row and the run store's completion in one transaction when offered (issue 8)", async () => {
    const parsed = connector.parseConfig({ connectionString: service.url, table, write: { mode: "insert" } });
    const completions: unknown[] = [];
    const hook = (fail: boolean): WriteIdempotency => ({
      engine: "postgres",
      sameDatabase: sameDb,
      async completeWith(client, result) {
        // The row is visible on the write's own connection, before COMMIT.
        const { rows } = await (client as pg.PoolClient).query(
          `SELECT count(*)::int AS n FROM ${table} WHERE sku = $1`,
          [fail ? "tx-rolled-back" : "tx-committed"],
        );
        completions.push({ seen: rows[0].n, result });
        if (fail) throw new ConflictError("lost the key");
      },
    });
    const sameDb = async () => true;
    const write = (sku: string, fail: boolean) =>
      connector.write!(parsed, { sku, qty: 1 }, { ...ctx, idempotencyKey: sku, idempotency: hook(fail) });
    await expect(write("tx-committed", false)).resolves.toMatchObject({ applied: true });
    await expect(write("tx-rolled-back", true)).rejects.toMatchObject({ retryable: false });
    const { rows } = await admin.query(`SELECT sku FROM ${table} WHERE sku LIKE 'tx-%' ORDER BY sku`);
    expect(rows.map((r) => r.sku)).toEqual(["tx-committed"]);
    expect(completions).toEqual([
      { seen: 1, result: { table, applied: true } },
      { seen: 1, result: { table, applied: true } },
    ]);
    // A store elsewhere (sameDatabase false) or of another engine: a plain write, no completion.
    const elsewhere = { ...hook(true), sameDatabase: async () => false };
    await connector.write!(parsed, { sku: "tx-plain", qty: 1 }, { ...ctx, idempotency: elsewhere });
    await connector.write!(
      parsed,
      { sku: "tx-plain-2", qty: 1 },
      { ...ctx, idempotency: { ...hook(true), engine: "mysql" } },
    );
    expect(completions).toHaveLength(2);
  });

  it("a constraint violation is fatal, a missing table is fatal, both ConnectorErrors", async () => {
    const parsed = connector.parseConfig({ ...config, write: { mode: "insert" } });
    const error = await connector.write!(parsed, { sku: null }, ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).retryable).toBe(false);
    expect((error as Error).message).toContain("23502");
  });

  it("fault: connections killed mid-stream → reads resume at the cursor, writes retried, counts equal", async () => {
    const parsed = connector.parseConfig(config);
    const counter = { retries: 0 };
    // Writes: 300 rows in batches of 25, connections killed before batches 3 and 8.
    const rows = Array.from({ length: 300 }, (_, i) => ({ sku: `fault-${i}`, qty: i }));
    let kills = 0;
    for (let start = 0; start < rows.length; start += 25) {
      if (start === 75 || start === 200) kills += await killConnections();
      const slice = rows.slice(start, start + 25);
      await withRetries(
        () =>
          connector.writeBatch!(parsed, slice, {
            ...ctx,
            idempotencyKeys: slice.map((row) => `key-${row.sku}`),
          }),
        counter,
      );
    }
    // Reads: from the start, connections killed after the 5th batch; resume from the last cursor.
    const readIds = new Set<string>();
    let cursor: unknown;
    let batches = 0;
    let duplicates = 0;
    for (let pass = 0; pass < 5; pass += 1) {
      try {
        for await (const batch of connector.read!(parsed, ctx, cursor === undefined ? {} : { cursor })) {
          for (const row of batch.records as { id: string }[]) {
            if (readIds.has(row.id)) duplicates += 1;
            readIds.add(row.id);
          }
          cursor = batch.cursor;
          batches += 1;
          if (batches === 5 || batches === 20) kills += await killConnections();
        }
        break;
      } catch (error) {
        expect((error as ConnectorError).retryable).toBe(true);
        counter.retries += 1;
      }
    }
    const { rows: count } = await admin.query(
      `SELECT count(*)::int AS n FROM ${table} WHERE sku LIKE 'fault-%'`,
    );
    const { rows: all } = await admin.query(`SELECT count(*)::int AS n FROM ${table}`);
    process.stdout.write(
      `[figure] postgres faults: ${kills} connections killed, ${counter.retries} retries, written ${count[0].n}/300, read ${readIds.size}/${all[0].n}, duplicates ${duplicates}\n`,
    );
    expect(count[0].n).toBe(300);
    expect(readIds.size).toBe(all[0].n);
    expect(duplicates).toBe(0);
  });

  it("fails with DependencyMissingError naming pg when it is not installed", async () => {
    const missing = Object.assign(new Error("Cannot find package 'pg'"), { code: "ERR_MODULE_NOT_FOUND" });
    const error = await loadPg(() => Promise.reject(missing)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyMissingError);
    expect((error as Error).message).toContain("npm install pg");
  });
});
