import { LifecycleError, type Store, ValidationError } from "@synapseops/core";
import { afterAll, describe, expect, it } from "vitest";
import { approvedPayments, failures, paymentsBody } from "./_executor-fixtures";
import { storeFactories } from "./_stores";

const stores = await storeFactories({ bullmq: true });
afterAll(async () => {
  for (const store of stores) await store.cleanup();
});

const report = (line: string): void => {
  process.stdout.write(`[figure] ${line}\n`);
};

describe.each(stores)("runs on the $name store", ({ make, skip, name }) => {
  const withStore = async <T>(fn: (store: Store) => Promise<T>): Promise<T> => {
    const store = await make();
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  };

  describe.skipIf(Boolean(skip))("execution", () => {
    it("runs an approved revision: maps, filters, sends, counts and logs", () =>
      withStore(async (store) => {
        const { runtime, blueprintId, target } = await approvedPayments(store);
        const run = await runtime.runs.start(blueprintId, {
          records: [
            { id: "p1", amount: 12.5 },
            { id: "p2", amount: 0 },
            { id: "p3", amount: 3 },
          ],
        });
        expect(run.status).toBe("QUEUED");
        const done = await runtime.runs.wait(run.id, { timeoutMs: 10_000 });
        expect(done.status).toBe("SUCCEEDED");
        expect(done.counts).toMatchObject({ total: 3, completed: 2, filtered: 1, failed: 0 });
        // Records run concurrently: the order of effects at the target is not the records' order.
        const byRef = (a: { ref: string }, b: { ref: string }): number => a.ref.localeCompare(b.ref);
        expect([...(target.effects as { ref: string }[])].sort(byRef)).toEqual([
          { ref: "p1", cents: 1250 },
          { ref: "p3", cents: 300 },
        ]);
        const { items: events } = await runtime.runs.events(run.id);
        expect(events.map((e) => e.type)).toEqual(["run.started", "run.finished"]);
        expect(events.map((e) => e.seq)).toEqual([1, 2]);
        const metrics = await runtime.runs.metrics(run.id);
        expect(metrics).toMatchObject({ recordsIn: 3, recordsOut: 2, errorRate: 0, retries: 0 });
        expect(metrics?.steps.send?.calls).toBe(2);
        expect((await runtime.runs.list({ blueprintId })).items.map((r) => r.id)).toEqual([run.id]);
        await runtime.close();
      }));

    it("runs only approved revisions, and a dry run of a draft without side effects", () =>
      withStore(async (store) => {
        const { runtime, blueprintId, target } = await approvedPayments(store);
        await runtime.blueprints.edit(blueprintId, { patch: { description: "draft change" } });
        const draftRun = await runtime.runs.start(blueprintId, {
          input: { id: "d1", amount: 1 },
          dryRun: true,
        });
        const done = await runtime.runs.wait(draftRun.id);
        expect(done).toMatchObject({ status: "SUCCEEDED", revision: 2, dryRun: true });
        expect(target.effects).toEqual([]);
        expect(
          (await runtime.runs.events(draftRun.id, { level: "debug" })).items.map((e) => e.type),
        ).toContain("send.skipped");
        const real = await runtime.runs.start(blueprintId, { input: { id: "r1", amount: 1 } });
        expect(real.revision).toBe(1);
        await runtime.blueprints.archive(blueprintId);
        await expect(runtime.runs.start(blueprintId, { input: {} })).rejects.toBeInstanceOf(LifecycleError);
        await runtime.runs.wait(real.id);
        await runtime.close();
      }));

    it("a dry run holds no idempotency key: the real run of the same record right after applies it", () =>
      withStore(async (store) => {
        const { runtime, blueprintId, target } = await approvedPayments(store, {
          runtime: { idempotency: { waitMs: 200 } },
        });
        const dry = await runtime.runs.start(blueprintId, { input: { id: "k1", amount: 2 }, dryRun: true });
        expect((await runtime.runs.wait(dry.id)).counts).toMatchObject({ completed: 1, failed: 0 });
        const real = await runtime.runs.start(blueprintId, { input: { id: "k1", amount: 2 } });
        expect((await runtime.runs.wait(real.id)).counts).toMatchObject({ completed: 1, failed: 0 });
        expect(target.effects).toEqual([{ ref: "k1", cents: 200 }]);
        // A dry run still tells a record that would be a duplicate.
        const again = await runtime.runs.start(blueprintId, { input: { id: "k1", amount: 2 }, dryRun: true });
        expect((await runtime.runs.wait(again.id)).counts).toMatchObject({ duplicates: 1, completed: 0 });
        await runtime.close();
      }));

    it("refuses to start a draft that was never approved", () =>
      withStore(async (store) => {
        const { runtime, projectId, targetRef } = await approvedPayments(store);
        const draft = await runtime.blueprints.create(projectId, {
          name: "draft",
          body: paymentsBody(targetRef, targetRef),
        });
        await expect(runtime.runs.start(draft.id, { input: {} })).rejects.toMatchObject({
          code: "LIFECYCLE",
          path: "/status",
        });
        await expect(runtime.runs.start("bp_missing")).rejects.toMatchObject({ code: "NOT_FOUND" });
        await runtime.close();
      }));
  });

  describe.skipIf(Boolean(skip))("retries and dead letters", () => {
    it("retries retryable failures under the policy and records every attempt", () =>
      withStore(async (store) => {
        const { runtime, blueprintId, target } = await approvedPayments(store);
        target.behave((record, _context, call) => {
          if (call <= 2) throw failures.unavailable();
          return { applied: record };
        });
        const run = await runtime.runs.start(blueprintId, { input: { id: "p1", amount: 1 } });
        const done = await runtime.runs.wait(run.id);
        expect(done.status).toBe("SUCCEEDED");
        expect(target.calls()).toBe(3);
        const retries = (await runtime.runs.events(run.id)).items.filter((e) => e.type === "step.retry");
        expect(retries.map((e) => e.data.attempt)).toEqual([1, 2]);
        for (const event of retries) {
          expect(event.data.delayMs).toBeGreaterThanOrEqual(0);
          expect(event.data.delayMs).toBeLessThanOrEqual(50);
          expect(event.data.error).toMatchObject({ code: "CONNECTOR_FAILED", retryable: true });
        }
        expect(done.metrics?.retries).toBe(2);
        await runtime.close();
      }));

    it("dead-letters a record after exactly maxAttempts and goes on with the next", () =>
      withStore(async (store) => {
        const { runtime, blueprintId, target } = await approvedPayments(store);
        target.behave((record) => {
          if ((record as { ref: string }).ref === "bad") throw failures.unavailable();
          return "ok";
        });
        const run = await runtime.runs.start(blueprintId, {
          records: [
            { id: "bad", amount: 1 },
            { id: "good", amount: 2 },
          ],
        });
        const done = await runtime.runs.wait(run.id);
        expect(done.status).toBe("FAILED");
        expect(done.counts).toMatchObject({ completed: 1, failed: 1, deadLettered: 1 });
        expect(target.calls()).toBe(5);
        const letters = await runtime.deadLetters.list({ runId: run.id });
        expect(letters.items).toHaveLength(1);
        expect(letters.items[0]).toMatchObject({
          step: "send",
          attempts: 4,
          recordKey: "bad",
          record: { id: "bad", amount: 1 },
        });
        expect(letters.items[0]?.error).toMatchObject({ code: "CONNECTOR_FAILED", retryable: true });
        await runtime.close();
      }));

    it("does not retry fatal errors: one attempt, then the dead letter", () =>
      withStore(async (store) => {
        const { runtime, blueprintId, target } = await approvedPayments(store);
        target.behave(() => {
          throw failures.rejected();
        });
        const done = await runtime.runs.wait(
          (await runtime.runs.start(blueprintId, { input: { id: "x", amount: 1 } })).id,
        );
        expect(target.calls()).toBe(1);
        expect((await runtime.deadLetters.list({ runId: done.id })).items[0]?.attempts).toBe(1);
        await runtime.close();
      }));

    it("honours Retry-After instead of the computed backoff", () =>
      withStore(async (store) => {
        const { runtime, blueprintId, target } = await approvedPayments(store);
        target.behave((_record, _context, call) => {
          if (call === 1) throw failures.unavailable(30);
          return "ok";
        });
        const started = performance.now();
        const done = await runtime.runs.wait(
          (await runtime.runs.start(blueprintId, { input: { id: "x", amount: 1 } })).id,
        );
        expect(done.status).toBe("SUCCEEDED");
        expect(performance.now() - started).toBeGreaterThanOrEqual(30);
        const retry = (await runtime.runs.events(done.id)).items.find((e) => e.type === "step.retry");
        expect(retry?.data).toMatchObject({ delayMs: 30, delaySource: "retry-after" });
        await runtime.close();
      }));

    it("replays dead letters into a linked run, skipping records that succeeded meanwhile", () =>
      withStore(async (store) => {
        const { runtime, blueprintId, target } = await approvedPayments(store);
        let down = true;
        target.behave(() => {
          if (down) throw failures.rejected();
          return "settled";
        });
        const first = await runtime.runs.wait(
          (
            await runtime.runs.start(blueprintId, {
              records: [
                { id: "a", amount: 1 },
                { id: "b", amount: 2 },
              ],
            })
          ).id,
        );
        expect(first.counts.deadLettered).toBe(2);
        down = false;
        // "a" is delivered again by its source and succeeds before anyone replays.
        await runtime.runs.wait(
          (await runtime.runs.start(blueprintId, { input: { id: "a", amount: 1 } })).id,
        );
        expect(target.effects).toHaveLength(1);
        const replay = await runtime.deadLetters.replay({ runId: first.id });
        expect(replay).toMatchObject({ replayOf: first.id, trigger: { kind: "replay" } });
        const replayed = await runtime.runs.wait(replay.id);
        expect(replayed.counts).toMatchObject({ total: 2, completed: 1, duplicates: 1 });
        expect(target.effects).toEqual([
          { ref: "a", cents: 100 },
          { ref: "b", cents: 200 },
        ]);
        const letters = await runtime.deadLetters.list({ runId: first.id, replayed: true });
        expect(letters.items.every((dl) => dl.replayRunId === replay.id)).toBe(true);
        await expect(runtime.deadLetters.replay({ runId: first.id, replayed: false })).rejects.toBeInstanceOf(
          ValidationError,
        );
        await runtime.close();
      }));
  });

  describe.skipIf(Boolean(skip))("idempotency", () => {
    it("20 triggers of one key and payload after a stored failure: 1 side effect, 19 recorded results", () =>
      withStore(async (store) => {
        const { runtime, blueprintId, target } = await approvedPayments(store);
        let failNext = true;
        target.behave(() => {
          if (failNext) {
            failNext = false;
            throw failures.rejected();
          }
          return { settlement: "S-1" };
        });
        const input = { id: "pay_1", amount: 10 };
        const failed = await runtime.runs.wait((await runtime.runs.start(blueprintId, { input })).id);
        expect(failed.status).toBe("FAILED");
        const outcomes = [];
        for (let i = 0; i < 20; i += 1)
          outcomes.push(await runtime.runs.wait((await runtime.runs.start(blueprintId, { input })).id));
        expect(target.effects).toHaveLength(1);
        expect(outcomes.filter((r) => r.counts.completed === 1)).toHaveLength(1);
        expect(outcomes.filter((r) => r.counts.duplicates === 1)).toHaveLength(19);
        const record = await store.getIdempotencyRecord(blueprintId, "pay_1");
        expect(record).toMatchObject({
          state: "COMPLETED",
          result: { outcome: "completed", result: { settlement: "S-1" } },
        });
        const duplicateResults = await Promise.all(
          outcomes
            .slice(1)
            .map(
              async (r) =>
                (await runtime.runs.events(r.id)).items.find((e) => e.type === "record.duplicate")?.data
                  .result,
            ),
        );
        expect(new Set(duplicateResults.map((r) => JSON.stringify(r))).size).toBe(1);
        report(
          `${name}: 20 triggers after a stored failure → ${target.effects.length} side effect, ${outcomes.filter((r) => r.counts.duplicates === 1).length} recorded results`,
        );
        await runtime.close();
      }));

    it("same key with a new payload is a conflict with no extra effect", () =>
      withStore(async (store) => {
        const { runtime, blueprintId, target } = await approvedPayments(store);
        await runtime.runs.wait(
          (await runtime.runs.start(blueprintId, { input: { id: "k", amount: 1 } })).id,
        );
        const second = await runtime.runs.wait(
          (await runtime.runs.start(blueprintId, { input: { id: "k", amount: 2 } })).id,
        );
        expect(second.status).toBe("FAILED");
        expect(target.effects).toHaveLength(1);
        const conflict = (await runtime.runs.events(second.id)).items.find(
          (e) => e.type === "record.conflict",
        );
        expect(conflict?.data.error).toMatchObject({ code: "IDEMPOTENCY_CONFLICT", path: "/idempotencyKey" });
        expect((await runtime.deadLetters.list({ runId: second.id })).items).toEqual([]);
        await runtime.close();
      }));

    it("50 parallel triggers of one key: 1 execution, the rest converge on its result", () =>
      withStore(async (store) => {
        const { runtime, blueprintId, target } = await approvedPayments(store, {
          runtime: { queue: undefined },
        });
        target.behave(async () => {
          await new Promise((resolve) => setTimeout(resolve, 30));
          return { done: true };
        });
        const runs = await Promise.all(
          Array.from({ length: 50 }, () =>
            runtime.runs.start(blueprintId, { input: { id: "same", amount: 5 } }),
          ),
        );
        const done = await Promise.all(runs.map((r) => runtime.runs.wait(r.id, { timeoutMs: 30_000 })));
        expect(target.effects).toHaveLength(1);
        expect(done.filter((r) => r.counts.completed === 1)).toHaveLength(1);
        expect(done.filter((r) => r.counts.duplicates === 1)).toHaveLength(49);
        report(
          `${name}: 50 parallel triggers → ${target.effects.length} execution, ${done.filter((r) => r.counts.duplicates === 1).length} converged duplicates`,
        );
        await runtime.close();
      }));

    it("re-executes a key once after the lease of a crashed worker expires", () =>
      withStore(async (store) => {
        const { runtime, blueprintId, target } = await approvedPayments(store);
        const payload = { id: "crash", amount: 1 };
        const { contentHash } = await import("@synapseops/core");
        await store.claimIdempotencyKey({
          scope: blueprintId,
          key: "crash",
          payloadHash: contentHash(payload),
          owner: "worker-that-died",
          leaseMs: 300,
          ttlMs: 60_000,
          now: new Date(),
        });
        const started = performance.now();
        const run = await runtime.runs.wait((await runtime.runs.start(blueprintId, { input: payload })).id);
        const recovery = performance.now() - started;
        expect(run.counts.completed).toBe(1);
        expect(target.effects).toHaveLength(1);
        expect(recovery).toBeGreaterThanOrEqual(250);
        report(`${name}: crashed key recovered after ${recovery.toFixed(0)} ms (lease 300 ms)`);
        await runtime.close();
      }));

    it("rejects keys over 255 characters", () =>
      withStore(async (store) => {
        const { runtime, blueprintId, target } = await approvedPayments(store);
        await expect(
          runtime.runs.start(blueprintId, { input: { id: "x" }, idempotencyKey: "k".repeat(256) }),
        ).rejects.toMatchObject({
          code: "IDEMPOTENCY_KEY_INVALID",
        });
        const run = await runtime.runs.wait(
          (await runtime.runs.start(blueprintId, { input: { id: "k".repeat(256), amount: 1 } })).id,
        );
        expect(run.counts.failed).toBe(1);
        expect(target.effects).toHaveLength(0);
        const failed = (await runtime.runs.events(run.id)).items.find((e) => e.type === "record.failed");
        expect(failed?.data.error).toMatchObject({ code: "IDEMPOTENCY_KEY_INVALID" });
        await runtime.close();
      }));

    // 1,000 concurrent starts on the memory store; on PostgreSQL (~30 statements a run) 200 race
    // for the same key, still 50 times a worker's 4 slots, in a fifth of the 56-110 s the 1,000
    // took on a loaded box. The 1,000 on every store:
    // SYNAPSEOPS_DUPLICATE_STARTS=1000 npx vitest run packages/core/test/runs.test.ts
    const starts = Number(process.env.SYNAPSEOPS_DUPLICATE_STARTS ?? (name === "memory" ? 1000 : 200));
    it(
      `${starts} duplicate starts of one key apply it exactly once`,
      () =>
        withStore(async (store) => {
          const { runtime, blueprintId, target } = await approvedPayments(store, { honourKeys: false });
          const runs = await Promise.all(
            Array.from({ length: starts }, () =>
              runtime.runs.start(blueprintId, { input: { id: "one", amount: 1 }, idempotencyKey: "order-1" }),
            ),
          );
          // The bound is for a stuck run, not for speed: 1,000 runs on PostgreSQL take past a
          // minute on a loaded box.
          const done = await Promise.all(runs.map((r) => runtime.runs.wait(r.id, { timeoutMs: 150_000 })));
          expect(target.effects).toHaveLength(1);
          expect(done.reduce((sum, r) => sum + r.counts.completed, 0)).toBe(1);
          expect(done.reduce((sum, r) => sum + r.counts.duplicates, 0)).toBe(starts - 1);
          report(`${name}: ${starts} duplicate starts → ${target.effects.length} application`);
          await runtime.close();
        }),
      180_000,
    );
  });
});
