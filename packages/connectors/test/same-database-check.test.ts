import { randomUUID } from "node:crypto";
import { createRuntime, silentLogger } from "@synapseops/core";
import { postgresStore } from "@synapseops/core/postgres";
import { checkTestService } from "@synapseops/core/testing";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { postgres } from "../src/postgres/index";

// Issue 21: a PostgreSQL table target asks "does this pool reach the run store?" once per store
// and pool, not once per record (it was a BEGIN / identity query / COMMIT before every write).
const pgService = await checkTestService("postgres");
const id = randomUUID().slice(0, 8);
const schema = `so_samedb_${id}`;
const table = `so_samedb_rows_${id}`;
const admin = new pg.Pool({ connectionString: pgService.url, max: 1 });
admin.on("error", () => {});

afterAll(async () => {
  if (!pgService.skip) {
    await admin.query(`DROP TABLE IF EXISTS ${table}`);
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }
  await admin.end();
});

it.skipIf(pgService.skip)(
  "checks the run store's database once for a run's records, and writes each once",
  async () => {
    await admin.query(`CREATE TABLE ${table} (id bigserial PRIMARY KEY, order_id text NOT NULL)`);
    const store = postgresStore({ connectionString: pgService.url }, { schema });
    const runtime = createRuntime({ store, connectors: [postgres()], logger: silentLogger() });
    // Every identity check, ours and the target's, whichever pg client sends it.
    const original = pg.Client.prototype.query;
    let checks = 0;
    // biome-ignore lint/suspicious/noExplicitAny: pg's query overloads are not worth restating.
    pg.Client.prototype.query = function (this: pg.Client, config: any, ...rest: any[]) {
      const text: string = typeof config === "string" ? config : (config?.text ?? "");
      if (text.includes("pg_postmaster_start_time")) checks += 1;
      // biome-ignore lint/suspicious/noExplicitAny: see above.
      return (original as any).call(this, config, ...rest);
    } as typeof original;
    try {
      const project = await runtime.projects.create({ name: "same-db" });
      const target = await runtime.connectorRefs.put(project.id, {
        type: "postgres",
        name: "rows",
        config: { connectionString: pgService.url, table, write: { mode: "insert" } },
      });
      const blueprint = await runtime.blueprints.create(project.id, {
        name: "rows",
        body: {
          source: { connector: target.id },
          target: { connector: target.id },
          idempotencyKey: "orderId",
          mappings: [{ id: "m", expression: '{ "order_id": orderId }' }],
          steps: [
            { id: "map", kind: "map", mapping: "m" },
            { id: "send", kind: "send", connector: target.id },
          ],
        },
      });
      await runtime.blueprints.approve(blueprint.id);
      const records = Array.from({ length: 40 }, (_, i) => ({ orderId: `o-${i}` }));
      const run = await runtime.runs.start(blueprint.id, { records });
      const done = await runtime.runs.wait(run.id, { timeoutMs: 60_000 });
      expect(done.status).toBe("SUCCEEDED");
      expect(done.counts.completed).toBe(40);
      // The store's own identity and the target pool's: asked concurrently by the first records
      // at most once each per record slot, never once per record.
      expect(checks).toBeGreaterThan(0);
      expect(checks).toBeLessThan(20);
      const { rows } = await admin.query(
        `SELECT count(*)::int AS n, count(DISTINCT order_id)::int AS d FROM ${table}`,
      );
      expect(rows[0]).toEqual({ n: 40, d: 40 });
      // The keys were completed by the target's transactions: a second run of the same records
      // finds them done and writes nothing.
      const again = await runtime.runs.wait((await runtime.runs.start(blueprint.id, { records })).id, {
        timeoutMs: 60_000,
      });
      expect(again.counts.duplicates).toBe(40);
      expect((await admin.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n).toBe(40);
    } finally {
      pg.Client.prototype.query = original;
      await runtime.close();
      await store.close();
    }
  },
  60_000,
);
