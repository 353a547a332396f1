import { ErrorCode } from "../../errors";
import type { RecordContext } from "../records/record-context";
import { keyClaim, releaseKey } from "./claim-key";
import { type KeyClaim, keyOwner, payloadHashOf, recordIdempotencyKey } from "./idempotency-key";

/** The keys a batch claimed before its records ran; each record takes its own once. */
export interface BatchClaims {
  /** The claim of the record at `offset` in the batch, if one was made; given out once. */
  take(offset: number): KeyClaim | undefined;
  /**
   * Releases the keys claimed for records that never ran (a cancelled run, a lost lease, a
   * store outage), so another run need not wait for their leases to expire.
   */
  releaseUntaken(): Promise<void>;
}

const NO_CLAIMS: BatchClaims = { take: () => undefined, releaseUntaken: async () => {} };

/**
 * Claims the idempotency keys of a batch's records all at once, before any of them runs. Made
 * together, the claims reach a grouping store (PostgreSQL) as one statement instead of one per
 * record, and each record then spends one round trip on the store (its completion) instead of
 * two. A record's claim is decided exactly as it would be alone; a record whose key cannot be
 * computed, repeats an earlier record's key, or whose lease ran down while it waited its turn
 * claims on its own as before.
 */
export async function claimBatchKeys(
  ctx: RecordContext,
  records: readonly unknown[],
  firstPosition: number,
  callerKey: string | undefined,
): Promise<BatchClaims> {
  // A dry run sends nothing, so it has nothing to hold a key for.
  if (ctx.run.dryRun || (callerKey === undefined && ctx.plan.keyExpression === undefined)) return NO_CLAIMS;
  const seen = new Set<string>();
  const wanted: { offset: number; key: string }[] = [];
  for (const [offset, record] of records.entries()) {
    let key: string | undefined;
    try {
      key = await recordIdempotencyKey(ctx.plan, {
        record,
        position: firstPosition + offset,
        ...(callerKey === undefined ? {} : { callerKey }),
      });
    } catch {
      // The record reports its invalid key itself when it runs.
      continue;
    }
    if (key === undefined || seen.has(key)) continue;
    seen.add(key);
    wanted.push({ offset, key });
  }
  const now = ctx.clock();
  const results = await Promise.all(
    wanted.map(({ offset, key }) =>
      ctx.store.claimIdempotencyKey(
        keyClaim(ctx, keyOwner(ctx.run.id, firstPosition + offset), key, payloadHashOf(records[offset]), now),
      ),
    ),
  );
  const claims = new Map<number, KeyClaim>();
  for (const [i, { offset, key }] of wanted.entries()) claims.set(offset, { key, result: results[i]! });
  return {
    take(offset) {
      const claim = claims.get(offset);
      claims.delete(offset);
      return claim;
    },
    async releaseUntaken() {
      const untaken = [...claims].filter(([, claim]) => claim.result.outcome === "claimed");
      claims.clear();
      await Promise.all(
        untaken.map(([offset, claim]) =>
          releaseKey(ctx, keyOwner(ctx.run.id, firstPosition + offset), claim.key, {
            retryable: true,
            code: ErrorCode.CANCELLED,
            message: "the record's batch stopped before it ran",
          }),
        ),
      );
    },
  };
}
