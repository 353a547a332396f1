import { describe, expect, it } from "vitest";
import { testStore } from "../testing/store-contract";
import { memoryStore } from "./memory-store";

testStore("memory", () => memoryStore());

// issue 21: idempotency records are kept frozen and handed out without a copy per read.
describe("memory store idempotency records", () => {
  const claim = (
    over: Partial<Parameters<ReturnType<typeof memoryStore>["claimIdempotencyKey"]>[0]> = {},
  ) => ({
    scope: "bp-1",
    key: "k-1",
    payloadHash: "h1",
    owner: "run-1/0",
    leaseMs: 1000,
    ttlMs: 60_000,
    now: new Date(),
    ...over,
  });

  it("hands out the kept record, frozen: changing it is refused and changes nothing stored", async () => {
    const store = memoryStore();
    const claimed = await store.claimIdempotencyKey(claim());
    expect(Object.isFrozen(claimed.record)).toBe(true);
    expect(await store.getIdempotencyRecord("bp-1", "k-1")).toBe(claimed.record);
    expect(() => {
      (claimed.record as { state: string }).state = "COMPLETED";
    }).toThrow(TypeError);
    expect((await store.getIdempotencyRecord("bp-1", "k-1"))?.state).toBe("IN_PROGRESS");
  });

  it("keeps a result frozen all the way down as it is, and a copy of any other", async () => {
    const store = memoryStore();
    await store.claimIdempotencyKey(claim());
    const frozen = Object.freeze({ outcome: "completed", result: Object.freeze({ id: "r-1" }) });
    await store.completeIdempotencyKey({ ...claim(), result: frozen });
    expect((await store.getIdempotencyRecord("bp-1", "k-1"))?.result).toBe(frozen);
    await store.claimIdempotencyKey(claim({ key: "k-2" }));
    const open = { outcome: "completed", result: { id: "r-2" } };
    await store.completeIdempotencyKey({ ...claim({ key: "k-2" }), result: open });
    const kept = (await store.getIdempotencyRecord("bp-1", "k-2"))?.result;
    expect(kept).not.toBe(open);
    expect(kept).toStrictEqual(open);
  });

  it("tells apart scopes and keys that join to the same text", async () => {
    const store = memoryStore();
    await store.claimIdempotencyKey(claim({ scope: "a\u0000b", key: "c" }));
    const other = await store.claimIdempotencyKey(claim({ scope: "a", key: "b\u0000c", payloadHash: "h2" }));
    expect(other.outcome).toBe("claimed");
    expect(await store.getIdempotencyRecord("a", "c")).toBeUndefined();
  });
});
