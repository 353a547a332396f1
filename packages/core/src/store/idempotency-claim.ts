import type { IdempotencyRecord } from "../model/idempotency";
import { LastInstantIso } from "./last-instant-iso";
import type { IdempotencyClaim, IdempotencyClaimResult } from "./types";

const claimedAt = new LastInstantIso();
const leaseEndsAt = new LastInstantIso();
const expiresAt = new LastInstantIso();

/**
 * Decides a claim against the record stored for the key (if any), the same way in every store:
 * stores only make the read-decide-write atomic. Follows the IETF Idempotency-Key draft and
 * Stripe's semantics: same payload → recorded result; different payload → conflict; a live
 * lease of another owner → in progress; failed, expired or abandoned → claim again.
 */
export function decideIdempotencyClaim(
  existing: IdempotencyRecord | undefined,
  claim: IdempotencyClaim,
): IdempotencyClaimResult {
  const now = claim.now.getTime();
  const live = existing !== undefined && Date.parse(existing.expiresAt) > now;
  if (live && existing.payloadHash !== claim.payloadHash) return { outcome: "conflict", record: existing };
  if (live && existing.state === "COMPLETED") return { outcome: "completed", record: existing };
  if (
    live &&
    existing.state === "IN_PROGRESS" &&
    existing.leaseOwner !== claim.owner &&
    existing.leaseExpiresAt !== undefined &&
    Date.parse(existing.leaseExpiresAt) > now
  ) {
    return { outcome: "in_progress", record: existing };
  }
  const at = claimedAt.of(now);
  return {
    outcome: "claimed",
    record: {
      scope: claim.scope,
      key: claim.key,
      payloadHash: claim.payloadHash,
      state: "IN_PROGRESS",
      leaseOwner: claim.owner,
      leaseExpiresAt: leaseEndsAt.of(now + claim.leaseMs),
      expiresAt: expiresAt.of(now + claim.ttlMs),
      createdAt: live ? existing.createdAt : at,
      updatedAt: at,
    },
  };
}

/** Whether `owner` still holds the record's lease (it may finish its work). */
export function holdsIdempotencyLease(record: IdempotencyRecord | undefined, owner: string): boolean {
  return record !== undefined && record.state === "IN_PROGRESS" && record.leaseOwner === owner;
}

/** Whether a run lease may be taken by `owner` at `now`. */
export function canTakeLease(
  lease: { owner: string; expiresAt: string } | undefined,
  owner: string,
  now: Date,
): boolean {
  return lease === undefined || lease.owner === owner || Date.parse(lease.expiresAt) <= now.getTime();
}
