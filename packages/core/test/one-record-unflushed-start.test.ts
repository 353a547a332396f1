import { inlineQueue } from "@synapseops/core";
import { postgresStore } from "@synapseops/core/postgres";
import { checkTestService } from "@synapseops/core/testing";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { approvedPayments } from "./_executor-fixtures";
import { dropSchemas, freshSchema } from "./_stores";

// Issue 21: the one-record start commits without waiting for its WAL flush, for its own
// transaction only — the pooled connection it ran on must go back waiting for flushes, or every
// later write of the host on that connection would stop being durable at commit.

const service = await checkTestService("postgres");
const schemas: string[] = [];
afterAll(() => dropSchemas(service.url, schemas));

describe.skipIf(Boolean(service.skip))("the one-record start's unflushed commit", () => {
  it("is the start's alone: the connection waits for flushes again afterwards", async () => {
    const schema = freshSchema("unflushed");
    schemas.push(schema);
    // One connection: the start, the finish and the checks below all run on it.
    const pool = new pg.Pool({ connectionString: service.url, max: 1 });
    const modes: string[] = [];
    const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<pg.QueryResult>;
    pool.query = (async (...args: unknown[]) => {
      const result = await query(...args);
      const mode = (result.rows?.[0] as { commit_mode?: string } | undefined)?.commit_mode;
      if (mode !== undefined) modes.push(mode);
      return result;
    }) as typeof pool.query;
    // A queue with no slot free on arrival: the run is written by its creator, then started
    // (where a slot is free the start is the run's own write, which waits for its flush).
    const { startsAtOnce: _, ...busy } = inlineQueue();
    const { runtime, blueprintId, target } = await approvedPayments(postgresStore({ pool }, { schema }), {
      runtime: { queue: busy },
    });
    try {
      for (const id of ["p-1", "p-2"]) {
        const run = await runtime.runs.ingest(blueprintId, { record: { id, amount: 2 } });
        expect((await runtime.runs.wait(run.id, { timeoutMs: 10_000 })).status).toBe("SUCCEEDED");
      }
      // Both starts took the one-record path and committed unflushed…
      expect(modes).toEqual(["off", "off"]);
      expect(target.effects).toHaveLength(2);
      // …and the connection they ran on is back to the server's default.
      const { rows } = await query("SHOW synchronous_commit");
      expect((rows[0] as { synchronous_commit: string }).synchronous_commit).toBe("on");
    } finally {
      await runtime.close();
      await pool.end();
    }
  });
});
