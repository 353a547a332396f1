import { randomUUID } from "node:crypto";
import { ConnectorError, DependencyMissingError } from "@synapseops/core";
import { checkTestService, connectorTestContext, testConnector } from "@synapseops/core/testing";
import { createPool } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadMysql2 } from "./_load-mysql2";
import { mysql } from "./index";

const service = await checkTestService("mysql");
const suffix = randomUUID().slice(0, 8);
const table = `so_my_${suffix}`;
// The connector logs in as its own user, so the fault test kills only its connections.
const user = `so_${suffix}`;
const connector = mysql();
const adminUrl = new URL(service.url);
const admin = createPool({
  host: adminUrl.hostname,
  port: Number(adminUrl.port || 3306),
  user: decodeURIComponent(adminUrl.username),
  database: adminUrl.pathname.slice(1),
  connectionLimit: 2,
});
const url = new URL(service.url);
url.username = user;
const config = {
  connectionString: url.toString(),
  table,
  read: { cursorColumn: "id", batchSize: 10 },
  write: { mode: "upsert", conflictKey: ["sku"], idempotencyColumn: "synapse_key" },
};

beforeAll(async () => {
  if (service.skip) return;
  await admin.query(
    `CREATE TABLE ${table} (id bigint AUTO_INCREMENT PRIMARY KEY, sku varchar(64) NOT NULL UNIQUE, qty int, doc json, synapse_key varchar(255) UNIQUE)`,
  );
  await admin.query(`CREATE USER '${user}'@'%'`);
  await admin.query(`CREATE USER '${user}'@'localhost'`);
  await admin.query(`GRANT ALL ON ${adminUrl.pathname.slice(1)}.* TO '${user}'@'%'`);
  await admin.query(`GRANT ALL ON ${adminUrl.pathname.slice(1)}.* TO '${user}'@'localhost'`);
  const values = Array.from({ length: 25 }, (_, i) => `('seed-${i + 1}', ${i + 1})`).join(", ");
  await admin.query(`INSERT INTO ${table} (sku, qty) VALUES ${values}`);
});

afterAll(async () => {
  await connector.close();
  if (!service.skip) {
    await admin.query(`DROP TABLE IF EXISTS ${table}`);
    await admin.query(`DROP USER IF EXISTS '${user}'@'%'`);
    await admin.query(`DROP USER IF EXISTS '${user}'@'localhost'`);
  }
  await admin.end();
});

testConnector({
  connector,
  config,
  sampleRecord: { sku: "contract", qty: 1, doc: { a: 1 } },
  invalidConfig: {
    value: { connectionString: "x", table, write: { mode: "upsert" } },
    path: "/write/conflictKey",
  },
  failingConfig: { connectionString: "mysql://root@127.0.0.1:1/test", table },
  skip: service.skip,
});

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
  const [rows] = await admin.query(`SELECT id FROM information_schema.processlist WHERE user = ?`, [user]);
  const ids = (rows as { id: number }[]).map((row) => row.id);
  for (const id of ids) await admin.query(`KILL ${Number(id)}`).catch(() => undefined);
  return ids.length;
};

describe.skipIf(Boolean(service.skip))("mysql connector", () => {
  const ctx = connectorTestContext();

  it("incremental mode starts at the current end and sees only new rows", async () => {
    const parsed = connector.parseConfig({ ...config, read: { cursorColumn: "id", mode: "incremental" } });
    const batches = [];
    for await (const batch of connector.read!(parsed, ctx, {})) batches.push(batch);
    expect(batches[0]?.records).toEqual([]);
    await admin.query(`INSERT INTO ${table} (sku, qty) VALUES ('late', 1)`);
    const fresh: { sku: string }[] = [];
    for await (const batch of connector.read!(parsed, ctx, { cursor: batches[0]?.cursor })) {
      fresh.push(...(batch.records as { sku: string }[]));
    }
    expect(fresh.map((row) => row.sku)).toEqual(["late"]);
    const health = await connector.health!(parsed, ctx);
    expect(health).toEqual({
      ok: true,
      detail: { lag: 0, cursor: fresh.length > 0 ? expect.anything() : null, cursorSource: "read" },
    });
    // Relative to a stored cursor (issue 8): every row after it, whatever this process read.
    const [before] = await admin.query(`SELECT COUNT(*) AS n FROM ${table} WHERE id > 3`);
    const stored = await connector.health!(parsed, ctx, { cursor: 3 });
    const expected = Number((before as { n: number }[])[0]!.n);
    expect(stored.detail).toMatchObject({ lag: expected, cursor: 3, cursorSource: "stored" });
    expect(stored.detail?.lag).toBeGreaterThan(0);
  });

  it("an insert retried with the same idempotency key changes nothing; upsert updates", async () => {
    const insert = connector.parseConfig({
      ...config,
      write: { mode: "insert", idempotencyColumn: "synapse_key" },
    });
    expect(
      await connector.write!(insert, { sku: "idem-1", qty: 1 }, { ...ctx, idempotencyKey: "k1" }),
    ).toEqual({
      table,
      applied: true,
    });
    expect(
      await connector.write!(insert, { sku: "idem-1", qty: 1 }, { ...ctx, idempotencyKey: "k1" }),
    ).toEqual({
      table,
      applied: false,
    });
    const upsert = connector.parseConfig(config);
    await connector.write!(upsert, { sku: "idem-1", qty: 7 }, { ...ctx, idempotencyKey: "k1" });
    const [rows] = await admin.query(`SELECT qty FROM ${table} WHERE sku = 'idem-1'`);
    expect(rows).toEqual([{ qty: 7 }]);
  });

  it("fault: connections KILLed mid-stream → reads resume, writes retried, counts equal", async () => {
    const parsed = connector.parseConfig(config);
    const counter = { retries: 0 };
    const rows = Array.from({ length: 300 }, (_, i) => ({ sku: `fault-${i}`, qty: i }));
    let kills = 0;
    for (let start = 0; start < rows.length; start += 25) {
      if (start === 75 || start === 200) kills += await killConnections();
      const slice = rows.slice(start, start + 25);
      await withRetries(
        () =>
          connector.writeBatch!(parsed, slice, { ...ctx, idempotencyKeys: slice.map((r) => `key-${r.sku}`) }),
        counter,
      );
    }
    const readIds = new Set<string>();
    let duplicates = 0;
    let cursor: unknown;
    let batches = 0;
    for (let pass = 0; pass < 5; pass += 1) {
      try {
        for await (const batch of connector.read!(parsed, ctx, cursor === undefined ? {} : { cursor })) {
          for (const row of batch.records as { id: string }[]) {
            if (readIds.has(String(row.id))) duplicates += 1;
            readIds.add(String(row.id));
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
    const [written] = await admin.query(`SELECT count(*) AS n FROM ${table} WHERE sku LIKE 'fault-%'`);
    const [all] = await admin.query(`SELECT count(*) AS n FROM ${table}`);
    const n = Number((written as { n: number }[])[0]?.n);
    const total = Number((all as { n: number }[])[0]?.n);
    process.stdout.write(
      `[figure] mysql faults: ${kills} connections killed, ${counter.retries} retries, written ${n}/300, read ${readIds.size}/${total}, duplicates ${duplicates}\n`,
    );
    expect(n).toBe(300);
    expect(readIds.size).toBe(total);
    expect(duplicates).toBe(0);
  });

  it("fails with DependencyMissingError naming mysql2 when it is not installed", async () => {
    const missing = Object.assign(new Error("Cannot find package"), { code: "ERR_MODULE_NOT_FOUND" });
    const error = await loadMysql2(() => Promise.reject(missing)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyMissingError);
    expect((error as Error).message).toContain("npm install mysql2");
  });
});
