import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { newId } from "../ids";
import { sampleProject, sampleRun } from "../testing/fixtures";
import { testStore } from "../testing/store-contract";
import { withPayloadCodec } from "./encrypted-store";
import { memoryStore } from "./memory-store";
import { aesGcmPayloadCodec, isEncryptedPayload, staticKeyProvider } from "./payload-codec";

const codec = aesGcmPayloadCodec({ keys: staticKeyProvider([{ id: "k1", key: randomBytes(32) }]) });

// The wrapped store still keeps the whole store contract.
testStore("memory with a payload codec", () => withPayloadCodec(memoryStore(), codec));

// issue 16: records stored raw in run batches, results raw in idempotency records.
describe("withPayloadCodec", () => {
  it("keeps batch records, idempotency results and dead-letter records encrypted in the inner store", async () => {
    const inner = memoryStore();
    const store = withPayloadCodec(inner, codec);
    const run = sampleRun("bp_x", sampleProject().id);
    await store.insertRun(run);
    const record = { card: "4111111111111111" };
    await store.insertRunBatches(run.id, [{ index: 0, firstPosition: 0, records: [record] }]);
    const lease = { runId: run.id, index: 0, owner: "w", leaseMs: 1000, now: new Date() };
    expect((await store.claimRunBatch(lease))?.records).toEqual([record]);
    const raw = await inner.claimRunBatch(lease);
    expect(raw?.records.every(isEncryptedPayload)).toBe(true);

    const claim = { scope: "s", key: "k", payloadHash: "h", owner: "w", leaseMs: 1000, ttlMs: 60_000 };
    await store.claimIdempotencyKey({ ...claim, now: new Date() });
    await store.completeIdempotencyKey({
      scope: "s",
      key: "k",
      owner: "w",
      now: new Date(),
      result: record,
    });
    expect((await store.getIdempotencyRecord("s", "k"))?.result).toEqual(record);
    expect(isEncryptedPayload((await inner.getIdempotencyRecord("s", "k"))?.result)).toBe(true);
    const again = await store.claimIdempotencyKey({ ...claim, owner: "v", now: new Date() });
    expect(again).toMatchObject({ outcome: "completed", record: { result: record } });

    const id = newId("dl");
    await store.insertDeadLetter({
      id,
      runId: run.id,
      blueprintId: "bp_x",
      step: "send",
      record,
      error: { code: "X", message: "m", retryable: false },
      attempts: 1,
      createdAt: new Date().toISOString(),
    });
    expect((await store.getDeadLetter(id))?.record).toEqual(record);
    expect((await store.listDeadLetters({ runId: run.id })).items[0]?.record).toEqual(record);
    expect(isEncryptedPayload((await inner.getDeadLetter(id))?.record)).toBe(true);
    expect(store.kind).toBe("memory");
  });

  // issue 20: a parked record carries the record and its value at the step.
  it("keeps a parked record's record and value encrypted in the inner store", async () => {
    const inner = memoryStore();
    const store = withPayloadCodec(inner, codec);
    const run = sampleRun("bp_x", sampleProject().id);
    await store.insertRun(run);
    const record = { card: "4111111111111111" };
    const parked = {
      id: `${run.id}.0`,
      runId: run.id,
      blueprintId: "bp_x",
      position: 0,
      stepIndex: 0,
      step: "send",
      recordKey: "#0",
      record,
      value: { mapped: record.card },
      attempts: 2,
      dueAt: new Date(Date.now() - 1000).toISOString(),
      parkedAt: new Date().toISOString(),
      error: { code: "X", message: "m", retryable: true },
    };
    await store.parkRecord(parked);
    const [raw] = await inner.listParkedRecords(run.id);
    expect(isEncryptedPayload(raw?.record) && isEncryptedPayload(raw?.value)).toBe(true);
    expect(await store.listParkedRecords(run.id)).toEqual([parked]);
    const [claimed] = await store.claimDueParkedRecords({
      owner: "w",
      leaseMs: 1000,
      now: new Date(),
      limit: 5,
    });
    expect(claimed).toMatchObject({ record, value: parked.value });
  });
});
