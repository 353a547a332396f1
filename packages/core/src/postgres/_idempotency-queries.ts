import { ConflictError, StoreError } from "../errors";
import type { IdempotencyRecord } from "../model/idempotency";
import { decideIdempotencyClaim, holdsIdempotencyLease } from "../store/idempotency-claim";
import type { IdempotencyOutcome, RunStore } from "../store/types";
import { type Db, type DocRow, fromDoc, jsonParam, type Queryable, queryDoc } from "./_sql";

/** The idempotency-record methods of the RunStore. */
export type IdempotencyQueries = Pick<
  RunStore,
  | "claimIdempotencyKey"
  | "renewIdempotencyLease"
  | "completeIdempotencyKey"
  | "failIdempotencyKey"
  | "getIdempotencyRecord"
  | "purgeExpiredIdempotencyRecords"
> & {
  /** `completeIdempotencyKey` on the caller's connection, inside the caller's transaction. */
  completeIdempotencyKeyOn(client: Queryable, outcome: IdempotencyOutcome): Promise<IdempotencyRecord>;
};

/**
 * A purge can delete the row between our failed insert and our locking read; a few rounds of
 * insert-or-lock always settle, so more than this means something else is wrong.
 */
const CLAIM_ROUNDS = 5;

/**
 * Idempotency records. The decision is `decideIdempotencyClaim`, shared with every store; this
 * only makes read-decide-write atomic: a new key is claimed by `INSERT … ON CONFLICT DO NOTHING`
 * (the primary key lets exactly one concurrent claimant in), an existing one is decided under
 * `SELECT … FOR UPDATE`.
 */
export function idempotencyQueries(db: Db): IdempotencyQueries {
  const t = db.tables;

  const lockRecord = async (client: Queryable, scope: string, key: string) => {
    const result = await client.query<DocRow>(
      `SELECT doc::text AS doc FROM ${t.idempotency} WHERE scope = $1 AND key = $2 FOR UPDATE`,
      [scope, key],
    );
    const row = result.rows[0];
    return row === undefined ? undefined : fromDoc<IdempotencyRecord>(row.doc);
  };
  const writeRecord = async (client: Queryable, record: IdempotencyRecord): Promise<void> => {
    await client.query(
      `UPDATE ${t.idempotency} SET expires_at = $3, doc = $4 WHERE scope = $1 AND key = $2`,
      [record.scope, record.key, record.expiresAt, jsonParam(record)],
    );
  };
  const lostLease = (key: string, owner: string): ConflictError =>
    new ConflictError(`idempotency key "${key}" is no longer held by ${owner}`);

  // One statement, so a completion costs one round trip (a locking read and a write in a
  // transaction cost four): the WHERE clause is the lease check of holdsIdempotencyLease.
  const finishOn = async (
    query: (text: string, params: unknown[]) => Promise<{ rows: DocRow[] }>,
    outcome: IdempotencyOutcome,
    state: "COMPLETED" | "FAILED",
  ): Promise<IdempotencyRecord> => {
    const change = {
      state,
      updatedAt: outcome.now.toISOString(),
      ...(outcome.result === undefined ? {} : { result: outcome.result }),
      ...(outcome.error === undefined ? {} : { error: outcome.error }),
    };
    const result = await query(
      `UPDATE ${t.idempotency} SET doc = (doc - 'leaseOwner' - 'leaseExpiresAt') || $3::jsonb
       WHERE scope = $1 AND key = $2 AND doc->>'state' = 'IN_PROGRESS' AND doc->>'leaseOwner' = $4
       RETURNING doc::text AS doc`,
      [outcome.scope, outcome.key, jsonParam(change), outcome.owner],
    );
    const row = result.rows[0];
    if (row === undefined) throw lostLease(outcome.key, outcome.owner);
    return fromDoc<IdempotencyRecord>(row.doc);
  };
  const finish = async (outcome: IdempotencyOutcome, state: "COMPLETED" | "FAILED") => {
    const operation = state === "COMPLETED" ? "completeIdempotencyKey" : "failIdempotencyKey";
    return finishOn((text, params) => db.query<DocRow>(operation, text, params), outcome, state);
  };

  return {
    completeIdempotencyKeyOn: (client, outcome) =>
      finishOn((text, params) => client.query<DocRow>(text, params), outcome, "COMPLETED"),
    async claimIdempotencyKey(claim) {
      for (let round = 0; round < CLAIM_ROUNDS; round += 1) {
        const fresh = decideIdempotencyClaim(undefined, claim);
        const inserted = await db.query(
          "claimIdempotencyKey",
          `INSERT INTO ${t.idempotency} (scope, key, expires_at, doc) VALUES ($1, $2, $3, $4)
           ON CONFLICT DO NOTHING`,
          [claim.scope, claim.key, fresh.record.expiresAt, jsonParam(fresh.record)],
        );
        if (inserted.rowCount === 1) return fresh;
        const decided = await db.transaction("claimIdempotencyKey", async (client) => {
          const existing = await lockRecord(client, claim.scope, claim.key);
          if (existing === undefined) return undefined;
          const decision = decideIdempotencyClaim(existing, claim);
          if (decision.outcome === "claimed") await writeRecord(client, decision.record);
          return decision;
        });
        if (decided !== undefined) return decided;
      }
      throw new StoreError(
        `postgres store: claimIdempotencyKey: key "${claim.key}" in scope "${claim.scope}" kept disappearing while being claimed`,
      );
    },
    async renewIdempotencyLease({ scope, key, owner, leaseMs, now }) {
      await db.transaction("renewIdempotencyLease", async (client) => {
        const existing = await lockRecord(client, scope, key);
        if (!holdsIdempotencyLease(existing, owner) || existing === undefined) throw lostLease(key, owner);
        await writeRecord(client, {
          ...existing,
          leaseExpiresAt: new Date(now.getTime() + leaseMs).toISOString(),
          updatedAt: now.toISOString(),
        });
      });
    },
    async completeIdempotencyKey(outcome) {
      return finish(outcome, "COMPLETED");
    },
    async failIdempotencyKey(outcome) {
      return finish(outcome, "FAILED");
    },
    async getIdempotencyRecord(scope, key) {
      return queryDoc<IdempotencyRecord>(
        db,
        "getIdempotencyRecord",
        `SELECT doc::text AS doc FROM ${t.idempotency} WHERE scope = $1 AND key = $2`,
        [scope, key],
      );
    },
    async purgeExpiredIdempotencyRecords(now) {
      const deleted = await db.query(
        "purgeExpiredIdempotencyRecords",
        `DELETE FROM ${t.idempotency} WHERE expires_at <= $1`,
        [now.toISOString()],
      );
      return deleted.rowCount ?? 0;
    },
  };
}
