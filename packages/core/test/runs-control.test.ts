import { Writable } from "node:stream";
import {
  ApprovalNotPendingError,
  memoryStore,
  REDACTED,
  type SecretProvider,
  type Store,
} from "@synapseops/core";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { approvedPayments, failures, paymentsBody } from "./_executor-fixtures";
import { storeFactories } from "./_stores";

const stores = await storeFactories({ bullmq: true });
afterAll(async () => {
  for (const store of stores) await store.cleanup();
});

const withApproval = (source: string, target: string) =>
  paymentsBody(source, target, {
    steps: [
      { id: "map", kind: "map", mapping: "m" },
      { id: "review", kind: "approval", when: "cents > 1000" },
      { id: "send", kind: "send", connector: target },
    ],
  });

describe.each(stores)("run control on the $name store", ({ make, skip }) => {
  const withStore = async <T>(fn: (store: Store) => Promise<T>): Promise<T> => {
    const store = await make();
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  };

  describe.skipIf(Boolean(skip))("approvals", () => {
    it("pauses records above the threshold until approved or rejected; the run ends when none waits", () =>
      withStore(async (store) => {
        const { runtime, blueprintId, target } = await approvedPayments(store, { body: withApproval });
        const run = await runtime.runs.start(blueprintId, {
          records: [
            { id: "small", amount: 5 },
            { id: "big", amount: 500 },
            { id: "huge", amount: 900 },
          ],
        });
        const waiting = await runtime.runs.wait(run.id, { untilWaiting: true });
        expect(waiting).toMatchObject({ status: "RUNNING", counts: { completed: 1, waiting: 2 } });
        expect(target.effects).toEqual([{ ref: "small", cents: 500 }]);

        await runtime.runs.signal(run.id, {
          step: "review",
          recordKey: "big",
          approved: true,
          by: "lead",
          comment: "ok",
        });
        expect(target.effects).toHaveLength(2);
        await expect(
          runtime.runs.signal(run.id, { step: "review", recordKey: "big", approved: true, by: "lead" }),
        ).rejects.toBeInstanceOf(ApprovalNotPendingError);
        const after = await runtime.runs.signal(run.id, {
          step: "review",
          recordKey: "huge",
          approved: false,
          by: "lead",
        });
        expect(after).toMatchObject({
          status: "SUCCEEDED",
          counts: { completed: 2, rejected: 1, waiting: 0 },
        });
        expect(target.effects).toHaveLength(2);
        const decisions = (await runtime.runs.events(run.id, { step: "review" })).items.filter(
          (e) => e.type === "approval.decided",
        );
        expect(decisions.map((e) => [e.recordKey, e.data.approved, e.data.by])).toEqual([
          ["big", true, "lead"],
          ["huge", false, "lead"],
        ]);
        await expect(
          runtime.runs.signal(run.id, { step: "review", recordKey: "x", approved: true, by: "l" }),
        ).rejects.toMatchObject({
          code: "APPROVAL_NOT_PENDING",
        });
        await runtime.close();
      }));

    it("takes a decision in another runtime on the same store (a restarted host)", () =>
      withStore(async (store) => {
        const shared = { ...store, close: async () => {} };
        const first = await approvedPayments(shared, { body: withApproval });
        const run = await first.runtime.runs.start(first.blueprintId, { input: { id: "late", amount: 50 } });
        await first.runtime.runs.wait(run.id, { untilWaiting: true });
        await first.runtime.close();
        const { createRuntime } = await import("@synapseops/core");
        const second = createRuntime({ store: shared, connectors: [first.target.connector] });
        const done = await second.runs.signal(run.id, {
          step: "review",
          recordKey: "late",
          approved: true,
          by: "night-shift",
        });
        expect(done).toMatchObject({ status: "SUCCEEDED", counts: { completed: 1, waiting: 0 } });
        expect(first.target.effects).toEqual([{ ref: "late", cents: 5000 }]);
        await second.close();
      }));

    it("applies the step's onTimeout when nobody decides in time", () =>
      withStore(async (store) => {
        const { runtime, blueprintId, target } = await approvedPayments(store, {
          body: (source, target) =>
            paymentsBody(source, target, {
              steps: [
                { id: "map", kind: "map", mapping: "m" },
                { id: "review", kind: "approval", timeoutMs: 100, onTimeout: "reject" },
                { id: "send", kind: "send", connector: target },
              ],
            }),
        });
        const run = await runtime.runs.start(blueprintId, { input: { id: "t", amount: 1 } });
        const done = await runtime.runs.wait(run.id, { timeoutMs: 10_000 });
        expect(done).toMatchObject({ status: "SUCCEEDED", counts: { rejected: 1 } });
        expect(target.effects).toEqual([]);
        const decided = (await runtime.runs.events(run.id)).items.find((e) => e.type === "approval.decided");
        expect(decided?.data).toMatchObject({ approved: false, by: "timeout" });
        await runtime.close();
      }));
  });

  describe.skipIf(Boolean(skip))("cancellation and shutdown", () => {
    it("cancels promptly: the in-flight call is aborted and later records never start", () =>
      withStore(async (store) => {
        const { runtime, blueprintId, target } = await approvedPayments(store, {
          runtime: { recordConcurrency: 1 },
        });
        let aborted = 0;
        target.behave(
          (_record, context) =>
            new Promise((_resolve, reject) => {
              context.signal.addEventListener("abort", () => {
                aborted += 1;
                reject(new Error("aborted"));
              });
            }),
        );
        const run = await runtime.runs.start(blueprintId, {
          records: Array.from({ length: 20 }, (_, i) => ({ id: `c${i}`, amount: 1 })),
        });
        while (target.calls() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
        const cancelled = await runtime.runs.cancel(run.id);
        expect(cancelled.status).toBe("CANCELLED");
        const done = await runtime.runs.wait(run.id);
        expect(done.status).toBe("CANCELLED");
        await expect
          .poll(async () => (await store.getIdempotencyRecord(blueprintId, "c0"))?.state)
          .toBe("FAILED");
        expect(aborted).toBe(1);
        expect(target.calls()).toBe(1);
        await runtime.close();
      }));

    it("cancels when the caller's AbortSignal aborts", () =>
      withStore(async (store) => {
        const { runtime, blueprintId, target } = await approvedPayments(store);
        target.behave(() => new Promise(() => {}));
        const controller = new AbortController();
        const run = await runtime.runs.start(blueprintId, {
          input: { id: "s", amount: 1 },
          signal: controller.signal,
        });
        controller.abort();
        expect((await runtime.runs.wait(run.id, { timeoutMs: 5000 })).status).toBe("CANCELLED");
        await runtime.close({ timeoutMs: 100 });
      }));

    // Regression (issue 7): with bullmqQueue a graceful close waited for the job, and the forced
    // close after it returned that same promise, so a connector that ignores its signal hung close().
    it("close() returns after its timeout even when a connector ignores its abort signal", () =>
      withStore(async (store) => {
        const { runtime, blueprintId, target } = await approvedPayments(store);
        target.behave(() => new Promise(() => {}));
        await runtime.runs.start(blueprintId, { input: { id: "stuck", amount: 1 } });
        while (target.calls() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
        const started = Date.now();
        await runtime.close({ timeoutMs: 100 });
        // The timeout, then the grace a signal-ignoring call gets (1 s inline, 2 s bullmq).
        expect(Date.now() - started).toBeLessThan(10_000);
      }));

    it("close() lets running runs finish within the timeout", () =>
      withStore(async (store) => {
        // The runtime's close() closes its store; keep this one open to look afterwards.
        const { runtime, blueprintId, target } = await approvedPayments({ ...store, close: async () => {} });
        target.behave(async () => {
          await new Promise((resolve) => setTimeout(resolve, 50));
          return "ok";
        });
        const run = await runtime.runs.start(blueprintId, {
          records: [
            { id: "a", amount: 1 },
            { id: "b", amount: 1 },
          ],
        });
        while (target.calls() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
        await runtime.close({ timeoutMs: 5000 });
        expect((await store.getRun(run.id))?.status).toBe("SUCCEEDED");
        expect(target.effects).toHaveLength(2);
      }));
  });

  describe.skipIf(Boolean(skip))("source polling", () => {
    it("resumes from the cursor of the last successful run", () =>
      withStore(async (store) => {
        const { runtime, blueprintId, target } = await approvedPayments(store);
        target.source.push({ id: "s1", amount: 1 }, { id: "s2", amount: 2 });
        const first = await runtime.runs.poll(blueprintId);
        expect((await runtime.runs.wait(first!.id)).counts.completed).toBe(2);
        expect(await runtime.runs.poll(blueprintId)).toBeUndefined();
        target.source.push({ id: "s3", amount: 3 });
        const second = await runtime.runs.poll(blueprintId);
        expect((await runtime.runs.wait(second!.id)).counts).toMatchObject({ total: 1, completed: 1 });
        expect(target.effects.map((e) => (e as { ref: string }).ref).sort()).toEqual(["s1", "s2", "s3"]);
        await runtime.close();
      }));

    it("a poll right after wait() does not read the records again (the cursor is stored first)", () =>
      withStore(async (store) => {
        // Regression (issue #11, crm-sync example): wait() saw SUCCEEDED before the cursor was stored.
        // A slow cursor write makes the window wide enough to hit every time.
        const slowCursors: Store = {
          ...store,
          putCursor: async (scope, value) => {
            await new Promise((resolve) => setTimeout(resolve, 60));
            await store.putCursor(scope, value);
          },
        };
        const { runtime, blueprintId, target } = await approvedPayments(slowCursors);
        for (let round = 0; round < 5; round += 1) {
          target.source.push({ id: `w${round}`, amount: round + 1 });
          await runtime.runs.wait((await runtime.runs.poll(blueprintId))!.id);
          expect(await runtime.runs.poll(blueprintId)).toBeUndefined();
        }
        expect(target.effects).toHaveLength(5);
        await runtime.close();
      }));

    it("reports the stored cursor, and fromStart reads from the beginning (a forced full resync)", () =>
      withStore(async (store) => {
        const { runtime, blueprintId, target } = await approvedPayments(store);
        expect(await runtime.runs.cursor(blueprintId)).toBeUndefined();
        target.source.push({ id: "r1", amount: 1 }, { id: "r2", amount: 2 });
        await runtime.runs.wait((await runtime.runs.poll(blueprintId))!.id);
        const stored = await runtime.runs.cursor(blueprintId);
        expect(stored).toBeDefined();
        expect(await runtime.runs.poll(blueprintId)).toBeUndefined();
        const resync = await runtime.runs.poll(blueprintId, { fromStart: true });
        expect((await runtime.runs.wait(resync!.id)).counts.total).toBe(2);
        expect(await runtime.runs.cursor(blueprintId)).toEqual(stored);
        await expect(runtime.runs.cursor("bp_missing")).rejects.toMatchObject({ code: "NOT_FOUND" });
        await runtime.close();
      }));
  });
});

describe("health and stats", () => {
  it("reports store and queue health and a blueprint's success rate", async () => {
    const { runtime, blueprintId, target } = await approvedPayments(memoryStore());
    const health = await runtime.health();
    expect(health).toMatchObject({ ok: true, store: { ok: true }, queue: { ok: true } });
    await runtime.runs.wait((await runtime.runs.start(blueprintId, { input: { id: "1", amount: 1 } })).id);
    target.behave(() => {
      throw failures.rejected();
    });
    await runtime.runs.wait((await runtime.runs.start(blueprintId, { input: { id: "2", amount: 1 } })).id);
    expect(await runtime.runs.stats(blueprintId)).toMatchObject({
      runs: 2,
      succeeded: 1,
      failed: 1,
      successRate: 0.5,
      records: 2,
    });
    await runtime.close();
    expect((await runtime.health()).queue.ok).toBe(false);
  });
});

describe("redaction", () => {
  it("keeps canary secrets out of logs, events, errors and dead letters on every path", async () => {
    const canaries = {
      token: "CANARY-token-7f3a9c",
      apiKey: "CANARY-apikey-51b2",
      cookie: "CANARY-cookie-90de",
      webhook: "whsec_CANARYwebhook11",
      dbPassword: "CANARY-dbpass-4411",
      email: "canary.person@example.com",
    };
    const secrets: SecretProvider = {
      name: "test",
      get: async (key) =>
        key === "ERP_TOKEN" ? canaries.token : key === "WEBHOOK_SECRET" ? canaries.webhook : undefined,
    };
    const lines: string[] = [];
    const logger = pino(
      { level: "debug" },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const store = memoryStore();
    const { runtime, blueprintId, target, targetRef } = await approvedPayments(store, {
      runtime: { secrets, logger, redaction: { keys: ["email"] } },
    });
    const ref = await runtime.connectorRefs.get(targetRef);
    await runtime.connectorRefs.put(ref.projectId, {
      ...ref,
      secrets: { token: "ERP_TOKEN", signing: "WEBHOOK_SECRET" },
    });
    let call = 0;
    target.behave((_record, context) => {
      call += 1;
      const config = {
        headers: {
          Authorization: `Bearer ${context.secrets.token}`,
          COOKIE: `session=${canaries.cookie}`,
          "X-Api-Key": canaries.apiKey,
        },
        url: `postgres://app:${canaries.dbPassword}@db.internal:5432/prod`,
      };
      const error = Object.assign(failures.unavailable(), {
        config,
        hint: `signing with ${(context.secrets.signing ?? "").toLowerCase()}`,
      });
      if (call % 3 !== 0) throw error;
      return { echoed: context.secrets.token, nested: [{ "x-API-key": canaries.apiKey }] };
    });
    const records = [0, 1, 2].map((i) => ({
      id: `r${i}`,
      amount: 1,
      email: canaries.email,
      headers: { authorization: `Basic ${canaries.token}`, Cookie: canaries.cookie },
      dsn: `mysql://root:${canaries.dbPassword}@localhost/test`,
    }));
    const run = await runtime.runs.wait((await runtime.runs.start(blueprintId, { records })).id);
    expect(run.counts.completed + run.counts.deadLettered).toBe(3);
    const dump = JSON.stringify({
      events: await runtime.runs.events(run.id, { limit: 500 }),
      deadLetters: await runtime.deadLetters.list(),
      run,
      keys: await Promise.all(records.map((r) => store.getIdempotencyRecord(blueprintId, r.id))),
      logs: lines,
    });
    const occurrences = Object.values(canaries).map(
      (canary) => dump.toLowerCase().split(canary.toLowerCase()).length - 1,
    );
    process.stdout.write(
      `[figure] redaction: ${occurrences.reduce((a, b) => a + b, 0)} canary occurrences in ${dump.length} bytes of events, logs, dead letters and results\n`,
    );
    expect(occurrences).toEqual([0, 0, 0, 0, 0, 0]);
    expect(dump).toContain(REDACTED);
    await runtime.close();
  });
});
