import { LeaseLostError, StoreError } from "../errors";
import type { IdempotencyRecord } from "../model/idempotency";
import { decideIdempotencyClaim, holdsIdempotencyLease } from "../store/idempotency-claim";
import type { IdempotencyClaim, IdempotencyClaimResult, IdempotencyOutcome, RunStore } from "../store/types";
import { groupCommit } from "./_group-commit";
import { type Finish, finishKeys, insertClaims } from "./_idempotency-groups";
import { type Db, type DocRow, errorCode, fromDoc, jsonParam, type Queryable, queryDoc } from "./_sql";

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
  completeIdempotencyKeyOn(client: Queryable, outcome: IdempotencyOutcome): Promise<void>;
};

/**
 * A purge can delete the row between our failed insert and our locking read; a few rounds of
 * insert-or-lock always settle, so more than this means something else is wrong.
 */
const CLAIM_ROUNDS = 5;

/**
 * Two grouped statements of a kind at once: one commits while the next group gathers, so a
 * lone call never waits behind a full round trip of others.
 */
const GROUPING = { maxInFlight: 2, maxGroup: 500 };

const identity = (scope: string, key: string): string => `${scope}\u0000${key}`;

const compareKeys = (a: IdempotencyClaim, b: IdempotencyClaim): number =>
  a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;

/**
 * Runs a grouped statement again when PostgreSQL chose it as a deadlock victim (SQLSTATE
 * 40P01): it was rolled back whole, so running it again is safe. Groups lock rows in key order,
 * which makes this rare; other processes' groups can still interleave.
 */
async function retryDeadlock<T>(statement: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await statement();
    } catch (error) {
      const cause = error instanceof StoreError ? error.cause : undefined;
      if (attempt >= 3 || errorCode(cause) !== "40P01") throw error;
    }
  }
}

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
  const lostLease = (key: string, owner: string): LeaseLostError =>
    new LeaseLostError(`idempotency key "${key}"`, owner);

  // One UPDATE finishes any number of keys (see finishKeys): one key on the caller's connection
  // inside its transaction, or a group of completions and failures made at once. A key whose lease
  // was lost comes back rejected.
  const finishMany = async (
    query: (text: string, params: unknown[]) => Promise<{ rows: { scope: string; key: string }[] }>,
    items: readonly Finish[],
  ): Promise<PromiseSettledResult<void>[]> => {
    const { text, params } = finishKeys(t, items);
    const result = await query(text, params);
    const finished = new Set(result.rows.map((row) => identity(row.scope, row.key)));
    return items.map(
      ({ outcome }): PromiseSettledResult<void> =>
        finished.has(identity(outcome.scope, outcome.key))
          ? { status: "fulfilled", value: undefined }
          : { status: "rejected", reason: lostLease(outcome.key, outcome.owner) },
    );
  };

  const finishGroup = groupCommit<Finish, void>(
    (items) =>
      retryDeadlock(() =>
        finishMany((text, params) => db.query("completeIdempotencyKey", text, params), items),
      ),
    { ...GROUPING, identity: (f) => identity(f.outcome.scope, f.outcome.key) },
  );

  /** A key that exists already: decided under a row lock (another claimant, a re-run, a replay). */
  const claimExisting = async (claim: IdempotencyClaim): Promise<IdempotencyClaimResult> => {
    for (let round = 0; round < CLAIM_ROUNDS; round += 1) {
      const decided = await db.transaction("claimIdempotencyKey", async (client) => {
        const existing = await lockRecord(client, claim.scope, claim.key);
        if (existing === undefined) return undefined;
        const decision = decideIdempotencyClaim(existing, claim);
        if (decision.outcome === "claimed") await writeRecord(client, decision.record);
        return decision;
      });
      if (decided !== undefined) return decided;
      // Purged between the insert and the lock: insert it afresh.
      const fresh = decideIdempotencyClaim(undefined, claim);
      const inserted = await db.query(
        "claimIdempotencyKey",
        `INSERT INTO ${t.idempotency} (scope, key, expires_at, doc) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING`,
        [claim.scope, claim.key, fresh.record.expiresAt, jsonParam(fresh.record)],
      );
      if (inserted.rowCount === 1) return fresh;
    }
    throw new StoreError(
      `postgres store: claimIdempotencyKey: key "${claim.key}" in scope "${claim.scope}" kept disappearing while being claimed`,
    );
  };

  // Claims made at once share one INSERT … ON CONFLICT DO NOTHING: the primary key lets exactly
  // one claimant of a new key in; keys that exist already are decided one by one under a lock.
  const claimGroup = groupCommit<IdempotencyClaim, IdempotencyClaimResult>(
    async (claims) => {
      const fresh = claims.map((claim) => decideIdempotencyClaim(undefined, claim));
      // Inserted in key order, so two groups that share keys lock them in the same order.
      const order = claims.map((_, i) => i).sort((a, b) => compareKeys(claims[a]!, claims[b]!));
      const { text, params } = insertClaims(
        t,
        order.map((i) => fresh[i]!.record),
      );
      const inserted = await retryDeadlock(() =>
        db.query<{ scope: string; key: string }>("claimIdempotencyKey", text, params),
      );
      const claimed = new Set(inserted.rows.map((row) => identity(row.scope, row.key)));
      return Promise.allSettled(
        claims.map(async (claim, i) =>
          claimed.has(identity(claim.scope, claim.key)) ? fresh[i]! : claimExisting(claim),
        ),
      );
    },
    { ...GROUPING, identity: (claim) => identity(claim.scope, claim.key) },
  );

  return {
    async completeIdempotencyKeyOn(client, outcome) {
      const [finished] = await finishMany(
        (text, params) => client.query(text, params),
        [{ outcome, state: "COMPLETED" }],
      );
      // finishMany answers every item it is given.
      if (finished!.status === "rejected") throw finished!.reason;
    },
    claimIdempotencyKey(claim) {
      return claimGroup(claim);
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
    completeIdempotencyKey(outcome) {
      return finishGroup({ outcome, state: "COMPLETED" });
    },
    failIdempotencyKey(outcome) {
      return finishGroup({ outcome, state: "FAILED" });
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
