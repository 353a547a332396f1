/**
 * DBOS as a contender in the bulk case (issue 21): `count` records as DBOS runs a bulk job — one
 * workflow per record (a single step, the record's effect), each started with
 * `DBOS.startWorkflow` under its record's id and awaited with `getResult()`, `inFlight` at a time
 * (as many as our runtime runs records at once), on DBOS's own system database with a pool as
 * large as the other contenders'. One workflow per record is DBOS's unit of durability and of
 * exactly-once: a workflow running one step per record would run them one after another.
 */
import { DBOS } from "@dbos-inc/dbos-sdk";
import pg from "pg";
import { launchOneStepDbos, urlFor } from "./_dbos-one-step";
import { arrivalsInFlight } from "./_durable-fixtures";

/** What the bulk case measures and closes (the shape of durable.bench.ts's `Contender`). */
export interface BulkContender {
  /** Moves `count` new records; returns records/s. */
  measure(count: number, round: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * Launches DBOS on a new database `database` (dropped again by `close`). DBOS is one per process:
 * only one of these may be open at a time.
 */
export async function dbosBulk(
  adminUrl: string,
  database: string,
  options: { inFlight: number; pool: number },
): Promise<BulkContender> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${database}`);
  // A name of its own: the webhook case may have registered "webhook" in this process already.
  const { workflow, effects } = await launchOneStepDbos(
    `bulk-record-${database}`,
    urlFor(adminUrl, database),
    options.pool,
  );
  return {
    async measure(count, round) {
      const before = effects();
      const started = performance.now();
      await arrivalsInFlight(count, options.inFlight, round, async (id) => {
        const handle = await DBOS.startWorkflow(workflow, { workflowID: id })(id);
        if ((await handle.getResult()) !== id) throw new Error(`DBOS: wrong result for ${id}`);
      });
      const elapsed = performance.now() - started;
      const ran = effects() - before;
      if (ran !== count) throw new Error(`DBOS: ${ran} effects for ${count} records`);
      return (count / elapsed) * 1000;
    },
    async close() {
      try {
        await DBOS.shutdown();
      } finally {
        await admin.query(`drop database if exists ${database} with (force)`).catch(() => undefined);
        await admin.end();
      }
    },
  };
}
