import type { IdempotencyRecord } from "../model/idempotency";
import type { IdempotencyClaim, IdempotencyClaimResult } from "./types";

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
  const at = isoAt(now);
  return {
    outcome: "claimed",
    record: {
      scope: claim.scope,
      key: claim.key,
      payloadHash: claim.payloadHash,
      state: "IN_PROGRESS",
      leaseOwner: claim.owner,
      leaseExpiresAt: isoAt(now + claim.leaseMs),
      expiresAt: isoAt(now + claim.ttlMs),
      createdAt: live ? existing.createdAt : at,
      updatedAt: at,
    },
  };
}

/** The last few instants written as ISO text, and their texts (see `isoAt`). */
const recentInstants: number[] = [];
const recentTexts: string[] = [];
const RECENT_INSTANTS = 4;

/**
 * `ms` as ISO text. A batch's claims share one instant, so its records ask for the same three
 * texts (now, lease end, expiry) over and over: formatting a Date costs ≈ 0.35 µs, a hit here
 * almost nothing (issue 21: ≈ 1 µs of a claim's 1 µs decision per record).
 */
function isoAt(ms: number): string {
  const at = recentInstants.indexOf(ms);
  if (at >= 0) return recentTexts[at]!;
  const text = new Date(ms).toISOString();
  if (recentInstants.length >= RECENT_INSTANTS) {
    recentInstants.shift();
    recentTexts.shift();
  }
  recentInstants.push(ms);
  recentTexts.push(text);
  return text;
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
