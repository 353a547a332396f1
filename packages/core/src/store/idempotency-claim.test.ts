import { describe, expect, it } from "vitest";
import { decideIdempotencyClaim } from "./idempotency-claim";
import type { IdempotencyClaim } from "./types";

const claimAt = (now: Date, key = "k"): IdempotencyClaim => ({
  scope: "bp",
  key,
  payloadHash: "h",
  owner: "run/1",
  leaseMs: 60_000,
  ttlMs: 86_400_000,
  now,
});

describe("decideIdempotencyClaim", () => {
  it("writes each claim's own instants, however many instants come and go in between", () => {
    // More distinct instants than the few texts kept, revisited out of order: a stale text would
    // show up as a time that is not the claim's own.
    const instants = [0, 1, 2, 3, 4, 5, 6, 0, 3, 7, 1, 1, 9, 2].map((i) => Date.UTC(2026, 11, 7, 18, 0, i));
    for (const ms of instants) {
      const decided = decideIdempotencyClaim(undefined, claimAt(new Date(ms)));
      expect(decided.outcome).toBe("claimed");
      expect(decided.record).toMatchObject({
        createdAt: new Date(ms).toISOString(),
        updatedAt: new Date(ms).toISOString(),
        leaseExpiresAt: new Date(ms + 60_000).toISOString(),
        expiresAt: new Date(ms + 86_400_000).toISOString(),
      });
    }
  });

  it("keeps a live record's creation time when it is claimed again after a failure", () => {
    const first = decideIdempotencyClaim(undefined, claimAt(new Date(Date.UTC(2026, 11, 7, 18))));
    const later = new Date(Date.UTC(2026, 11, 7, 19));
    const again = decideIdempotencyClaim({ ...first.record, state: "FAILED" }, claimAt(later));
    expect(again.outcome).toBe("claimed");
    expect(again.record.createdAt).toBe(first.record.createdAt);
    expect(again.record.updatedAt).toBe(later.toISOString());
  });
});
