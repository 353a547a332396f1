import { ErrorCode, IdempotencyConflictError, SynapseError } from "../../errors";
import { decideIdempotencyClaim } from "../../store/idempotency-claim";
import { LastParsedInstant } from "../../store/last-instant-iso";
import type { IdempotencyClaim, IdempotencyClaimResult } from "../../store/types";
import { abortableSleep } from "../execute/sleep";
import type { RecordContext, RecordOutcome } from "../records/record-context";
import { type ClassifiedFailure, storedError } from "../retries/classify-error";
import { payloadHashOf } from "./idempotency-key";

// The idempotency claim: a record's key is claimed (or, in a dry run, previewed) before its
// steps run and released when it fails. Completion is key-completion.ts.

/**
 * The claim `owner` makes for `key` of a record hashing to `payloadHash` in `ctx`'s run, as of
 * `now` (a batch's claims share one instant, so a grouping store sends their times once).
 */
export function keyClaim(
  ctx: RecordContext,
  owner: string,
  key: string,
  payloadHash: string,
  now: Date = ctx.clock(),
): IdempotencyClaim {
  return {
    scope: ctx.run.blueprintId,
    key,
    payloadHash,
    owner,
    leaseMs: ctx.idempotency.leaseMs,
    ttlMs: ctx.idempotency.ttlMs,
    now,
  };
}

/**
 * Claims the key; a duplicate, a conflict or a key held too long elsewhere ends the record here.
 * `decided` is what a claim made with the record's batch found: used as the first answer unless
 * it is a lease that has run down to less than half (the record waited long for its turn).
 */
export async function claimKey(
  ctx: RecordContext,
  owner: string,
  key: string,
  record: unknown,
  recordKey: string,
  decided?: IdempotencyClaimResult,
): Promise<"claimed" | RecordOutcome> {
  const deadline = performance.now() + ctx.idempotency.waitMs;
  let answer = decided !== undefined && !leaseRunDown(ctx, decided) ? decided : undefined;
  // Hashed once, and only when the store is asked (a batch's claim usually answers).
  let payloadHash: string | undefined;
  for (let wait = 10; ; wait = Math.min(wait * 2, 500)) {
    let claim = answer;
    if (claim === undefined) {
      payloadHash ??= payloadHashOf(record);
      claim = await ctx.store.claimIdempotencyKey(keyClaim(ctx, owner, key, payloadHash));
    }
    answer = undefined;
    switch (claim.outcome) {
      case "claimed":
        return "claimed";
      case "completed":
        // Completed by this very record in an earlier attempt (its worker died before the batch
        // was done): the record is done, not a duplicate of another execution.
        if (claim.record.finishedBy === owner) return "completed";
        ctx.events.add("info", "record.duplicate", { result: claim.record.result }, { recordKey });
        return "duplicate";
      case "conflict": {
        const conflict = new IdempotencyConflictError(
          key,
          `idempotency key "${key}" was used before with a different payload`,
          {
            path: "/idempotencyKey",
          },
        );
        ctx.events.add("error", "record.conflict", { error: conflict.toJSON() }, { recordKey });
        return "failed";
      }
      case "in_progress":
        if (performance.now() >= deadline) {
          ctx.events.add(
            "error",
            "record.conflict",
            {
              error: {
                code: ErrorCode.IDEMPOTENCY_CONFLICT,
                message: `idempotency key "${key}" is in progress elsewhere`,
              },
            },
            { recordKey },
          );
          return "failed";
        }
        await abortableSleep(wait, ctx.signal);
    }
  }
}

/**
 * A dry run's look at the key: it reports the duplicate or the conflict a real run would meet,
 * but holds nothing, so the real run of the same record right after is not kept waiting.
 */
export async function previewKey(
  ctx: RecordContext,
  owner: string,
  key: string,
  record: unknown,
  recordKey: string,
): Promise<"claimed" | RecordOutcome> {
  const existing = await ctx.store.getIdempotencyRecord(ctx.run.blueprintId, key);
  const decided = decideIdempotencyClaim(existing, keyClaim(ctx, owner, key, payloadHashOf(record)));
  if (decided.outcome !== "completed" && decided.outcome !== "conflict") return "claimed";
  return claimKey(ctx, owner, key, record, recordKey, decided);
}

/**
 * Whether the claim made with the record's batch lets the record run as it is: claimed, with at
 * least half its lease left. What {@link claimKey} would answer "claimed" to at once; checked
 * without it, the record spends no promise on a claim already made (issue 21).
 */
export function claimedWithBatch(ctx: RecordContext, decided: IdempotencyClaimResult | undefined): boolean {
  return decided !== undefined && decided.outcome === "claimed" && !leaseRunDown(ctx, decided);
}

/** Whether a claim decided earlier holds less than half of its lease now. */
function leaseRunDown(ctx: RecordContext, decided: IdempotencyClaimResult): boolean {
  if (decided.outcome !== "claimed" || decided.record.leaseExpiresAt === undefined) return false;
  return leaseEnd.of(decided.record.leaseExpiresAt) - ctx.clock().getTime() < ctx.idempotency.leaseMs / 2;
}

/** A batch's claims share their lease's end; claims one after another mostly end in one millisecond. */
const leaseEnd = new LastParsedInstant();

/** Marks the key FAILED so the next claim may run it; a lease lost to another owner is left alone. */
export async function releaseKey(
  ctx: RecordContext,
  owner: string,
  key: string | undefined,
  failure: ClassifiedFailure,
): Promise<void> {
  if (key === undefined || ctx.run.dryRun) return;
  try {
    await ctx.store.failIdempotencyKey({
      scope: ctx.run.blueprintId,
      key,
      owner,
      now: ctx.clock(),
      error: ctx.redactor.redact(storedError(failure)),
    });
  } catch (error) {
    // Our lease expired and another worker took the key: its outcome stands.
    if (!(error instanceof SynapseError && error.code === ErrorCode.CONFLICT)) throw error;
  }
}
