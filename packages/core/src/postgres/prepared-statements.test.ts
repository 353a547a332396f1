import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createRuntime } from "../runtime";
import { checkTestService } from "../testing/services";
import { postgresStore } from "./index";

// Issue 21: the store's statements are named prepared statements (parsed and planned once per
// connection), unless the host turns them off for a proxy that cannot keep them.
const service = await checkTestService("postgres");
const suffix = randomUUID().replaceAll("-", "").slice(0, 12);
const schemas = [`synapseops_test_prep_a_${suffix}`, `synapseops_test_prep_b_${suffix}`];

describe.skipIf(Boolean(service.skip))("postgresStore prepared statements", () => {
  // One connection, so every statement of both stores meets the same statement cache.
  const pool = new pg.Pool({ connectionString: service.url, max: 1 });
  afterAll(async () => {
    for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  const preparedOnConnection = async (): Promise<string[]> => {
    const { rows } = await pool.query<{ name: string }>("SELECT name FROM pg_prepared_statements");
    return rows.map((row) => row.name);
  };
  const ids: Record<string, string> = {};

  it("names its statements, so a connection keeps them; stores on two schemas share a pool", async () => {
    const a = postgresStore({ pool }, { schema: schemas[0] });
    const b = postgresStore({ pool }, { schema: schemas[1] });
    ids.a = (await createRuntime({ store: a }).projects.create({ name: "in a" })).id;
    ids.b = (await createRuntime({ store: b }).projects.create({ name: "in b" })).id;
    // Same statement, other schema: another text, so another name (one name, one text per connection).
    expect((await a.getProject(ids.a))?.name).toBe("in a");
    expect(await a.getProject(ids.b)).toBeUndefined();
    expect((await b.getProject(ids.b))?.name).toBe("in b");
    const names = await preparedOnConnection();
    const ours = names.filter((name) => name.startsWith("synapseops_"));
    expect(ours.length).toBeGreaterThanOrEqual(2);
    expect(new Set(ours).size).toBe(ours.length);
    // Read again: the statements are reused, not prepared again.
    await a.getProject(ids.a);
    expect((await preparedOnConnection()).length).toBe(names.length);
  });

  it("names the statements of its transactions too (a project's insert and its audit entry)", async () => {
    const { rows } = await pool.query<{ statement: string }>(
      "SELECT statement FROM pg_prepared_statements WHERE name LIKE 'synapseops\\_%'",
    );
    const texts = rows.map((row) => row.statement);
    expect(texts.some((text) => text.includes(`INSERT INTO "${schemas[0]}".projects`))).toBe(true);
    expect(texts.some((text) => text.includes(`INSERT INTO "${schemas[0]}".audit_log`))).toBe(true);
  });

  it("sends every statement unnamed with preparedStatements: false", async () => {
    await pool.query("DEALLOCATE ALL");
    // pg remembers what it prepared per connection: a fresh pool starts with nothing remembered.
    const unnamedPool = new pg.Pool({ connectionString: service.url, max: 1 });
    try {
      const store = postgresStore({ pool: unnamedPool }, { schema: schemas[0], preparedStatements: false });
      expect((await store.getProject(ids.a!))?.name).toBe("in a");
      // A transaction's statements too.
      await createRuntime({ store }).projects.create({ name: "unnamed" });
      const { rows } = await unnamedPool.query<{ n: string }>(
        "SELECT count(*)::text AS n FROM pg_prepared_statements",
      );
      expect(rows[0]?.n).toBe("0");
    } finally {
      await unnamedPool.end();
    }
  });
});
