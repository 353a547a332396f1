import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import type { Run } from "../model/run";
import { createRuntime } from "../runtime";
import { checkTestService } from "../testing/services";
import { postgresStore } from "./index";

// Issue 21: the one-record path's statements are named prepared statements (parsed and planned
// once per connection), the rest unnamed, and none when the host turns them off for a proxy that
// cannot keep them.
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

  /** A one-record create for a run of no blueprint: its guard writes nothing, its statement is sent. */
  const createOneRecord = (store: ReturnType<typeof postgresStore>) =>
    store.oneRecordRuns!.createOneRecordRun(
      {
        id: `run_${suffix}`,
        blueprintId: "bp_none",
        projectId: "prj_none",
        status: "QUEUED",
        version: 1,
        revision: 1,
      } as Run,
      { id: "r1" },
    );
  const namedTexts = async (on: pg.Pool): Promise<string[]> => {
    const { rows } = await on.query<{ statement: string }>(
      "SELECT statement FROM pg_prepared_statements WHERE name LIKE 'synapseops\\_%'",
    );
    return rows.map((row) => row.statement);
  };

  it("names the one-record path's statements, per schema, and reuses them", async () => {
    const a = postgresStore({ pool }, { schema: schemas[0] });
    const b = postgresStore({ pool }, { schema: schemas[1] });
    expect(await createOneRecord(a)).toBe(false);
    // Same statement, other schema: another text, so another name (one name, one text per connection).
    expect(await createOneRecord(b)).toBe(false);
    const texts = await namedTexts(pool);
    expect(texts.filter((text) => text.includes(`INSERT INTO "${schemas[0]}".runs`))).toHaveLength(1);
    expect(texts.filter((text) => text.includes(`INSERT INTO "${schemas[1]}".runs`))).toHaveLength(1);
    // Sent again: reused, not prepared again.
    await createOneRecord(a);
    expect(await namedTexts(pool)).toHaveLength(texts.length);
  });

  it("sends the other statements unnamed (named, the bulk path's got generic plans)", async () => {
    const store = postgresStore({ pool }, { schema: schemas[0] });
    const project = await createRuntime({ store }).projects.create({ name: "unnamed" });
    expect((await store.getProject(project.id))?.name).toBe("unnamed");
    const texts = await namedTexts(pool);
    expect(texts.some((text) => text.includes(".projects") || text.includes(".audit_log"))).toBe(false);
  });

  it("sends every statement unnamed with preparedStatements: false", async () => {
    // pg remembers what it prepared per connection: a fresh pool starts with nothing remembered.
    const unnamedPool = new pg.Pool({ connectionString: service.url, max: 1 });
    try {
      const store = postgresStore({ pool: unnamedPool }, { schema: schemas[0], preparedStatements: false });
      expect(await createOneRecord(store)).toBe(false);
      const { rows } = await unnamedPool.query<{ n: string }>(
        "SELECT count(*)::text AS n FROM pg_prepared_statements",
      );
      expect(rows[0]?.n).toBe("0");
    } finally {
      await unnamedPool.end();
    }
  });
});
