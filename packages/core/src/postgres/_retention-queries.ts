import { RUN_EVENT_PAYLOAD, type RunStore } from "../store/types";
import type { Db } from "./_sql";

/** The retention method of the RunStore. */
export type RetentionQueries = Pick<RunStore, "purgeRunPayloads">;

/**
 * Retention over the jsonb documents: one statement per table, in one transaction. The dates
 * compared live inside `doc` (ISO 8601 UTC text, which sorts as time), so no column or index is
 * needed: a sweep reads each table once.
 */
export function retentionQueries(db: Db): RetentionQueries {
  const t = db.tables;
  return {
    async purgeRunPayloads(before) {
      const cutoff = before.toISOString();
      return db.transaction("purgeRunPayloads", async (client) => {
        const batches = await client.query(
          `UPDATE ${t.runBatches} b SET records = '[]'::jsonb
             FROM ${t.runs} r
            WHERE b.run_id = r.id AND b.records <> '[]'::jsonb
              AND (r.doc->>'finishedAt')::timestamptz < $1::timestamptz`,
          [cutoff],
        );
        const deadLetters = await client.query(
          `UPDATE ${t.deadLetters}
              SET doc = doc || jsonb_build_object('record', null, 'recordPurgedAt',
                    to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
            WHERE NOT doc ? 'recordPurgedAt' AND (doc->>'createdAt')::timestamptz < $1::timestamptz`,
          [cutoff],
        );
        const results = await client.query(
          `UPDATE ${t.idempotency} SET doc = doc - 'result'
            WHERE doc ? 'result' AND (doc->>'updatedAt')::timestamptz < $1::timestamptz`,
          [cutoff],
        );
        const events = await client.query(
          `UPDATE ${t.events} e SET doc = e.doc #- ARRAY['data', $2::text]
             FROM ${t.runs} r
            WHERE e.run_id = r.id AND e.doc->'data' ? $2::text
              AND (r.doc->>'finishedAt')::timestamptz < $1::timestamptz`,
          [cutoff, RUN_EVENT_PAYLOAD],
        );
        return {
          runBatches: batches.rowCount ?? 0,
          deadLetters: deadLetters.rowCount ?? 0,
          idempotencyResults: results.rowCount ?? 0,
          runEvents: events.rowCount ?? 0,
        };
      });
    },
  };
}
