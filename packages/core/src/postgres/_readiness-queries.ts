import { ConflictError } from "../errors";
import type { TestRun } from "../model/test-run";
import type { Trace } from "../model/trace";
import type { ReadinessStore } from "../store/types";
import { pageBounds, toPage } from "./_paging";
import { type Db, jsonParam, queryDoc, queryDocs, SqlParams, whereClause } from "./_sql";

/** Golden-suite runs and traces in PostgreSQL. */
export function readinessQueries(db: Db): ReadinessStore {
  const t = db.tables;
  return {
    async insertTestRun(run) {
      const inserted = await db.query(
        "insertTestRun",
        `INSERT INTO ${t.testRuns} (id, project_id, environment, spec_sha256, started_at, doc)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
        [run.id, run.projectId, run.environment, run.spec.sha256, run.startedAt, jsonParam(run)],
      );
      if (inserted.rowCount === 0) throw new ConflictError(`test run "${run.id}" already exists`);
    },
    async getTestRun(id) {
      return queryDoc<TestRun>(db, "getTestRun", `SELECT doc::text AS doc FROM ${t.testRuns} WHERE id = $1`, [
        id,
      ]);
    },
    async listTestRuns(filter) {
      const { limit, after } = pageBounds(filter, "string");
      const params = new SqlParams();
      const where = [`project_id = ${params.add(filter.projectId)}`];
      if (filter.environment !== undefined) where.push(`environment = ${params.add(filter.environment)}`);
      if (filter.specSha256 !== undefined) where.push(`spec_sha256 = ${params.add(filter.specSha256)}`);
      if (filter.since !== undefined) where.push(`started_at >= ${params.add(filter.since.toISOString())}`);
      if (after !== undefined) where.push(`id > ${params.add(after)}`);
      const rows = await queryDocs<TestRun>(
        db,
        "listTestRuns",
        `SELECT doc::text AS doc FROM ${t.testRuns} ${whereClause(where)}
         ORDER BY id LIMIT ${params.add(limit + 1)}`,
        params.values,
      );
      return toPage(rows, limit, (run) => run.id);
    },
    async insertTraces(traces) {
      if (traces.length === 0) return 0;
      // One statement: the batch is stored whole or not at all, and known ids are skipped.
      const inserted = await db.query(
        "insertTraces",
        `INSERT INTO ${t.traces} (id, project_id, environment, operation, started_at, doc)
         SELECT d->>'id', d->>'projectId', d->>'environment', d->>'operation',
                (d->'timing'->>'startedAt')::timestamptz, d
         FROM jsonb_array_elements($1::jsonb) AS d
         ON CONFLICT (id) DO NOTHING`,
        [jsonParam(traces)],
      );
      return inserted.rowCount ?? 0;
    },
    async listTraces(filter) {
      const { limit, after } = pageBounds(filter, "string");
      const params = new SqlParams();
      const where = [`project_id = ${params.add(filter.projectId)}`];
      if (filter.environment !== undefined) where.push(`environment = ${params.add(filter.environment)}`);
      if (filter.operation !== undefined) where.push(`operation = ${params.add(filter.operation)}`);
      if (filter.since !== undefined) where.push(`started_at >= ${params.add(filter.since.toISOString())}`);
      if (after !== undefined) where.push(`id > ${params.add(after)}`);
      const rows = await queryDocs<Trace>(
        db,
        "listTraces",
        `SELECT doc::text AS doc FROM ${t.traces} ${whereClause(where)}
         ORDER BY id LIMIT ${params.add(limit + 1)}`,
        params.values,
      );
      return toPage(rows, limit, (trace) => trace.id);
    },
  };
}
