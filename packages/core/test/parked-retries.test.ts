import {
  type BlueprintBodyInput,
  createRuntime,
  inlineQueue,
  memoryStore,
  type RetryPolicyInput,
  type Run,
  type RunQueue,
  type Runtime,
  retryPresets,
  type Store,
} from "@synapseops/core";
import { bullmqQueue } from "@synapseops/core/bullmq";
import { postgresStore } from "@synapseops/core/postgres";
import { checkTestService } from "@synapseops/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { approvedPayments, failures, paymentsBody } from "./_executor-fixtures";
import { defaultQueues, storeFactories } from "./_stores";

// issue 20 (retries with long horizons): a record whose next retry waits long is parked in the
// store instead of sleeping in its worker, and resumed by a store sweep or a delayed job. These
// tests drive a fake clock, so hours pass in milliseconds; each resume is a `resumeParked()`
// sweep (the runtime's own sweep timer is off), so what runs when is exact.

const T0 = Date.parse("2026-03-02T08:00:00.000Z");
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** A clock the test moves by hand. */
function fakeClock() {
  let now = T0;
  return {
    now: () => new Date(now),
    elapsed: () => now - T0,
    set: (offsetMs: number) => {
      now = T0 + offsetMs;
    },
  };
}

/** The payments blueprint with `retry` as the send step's policy. */
function bodyWith(retry: RetryPolicyInput) {
  return (source: string, target: string): BlueprintBodyInput => {
    const body = paymentsBody(source, target);
    body.steps = [
      ...body.steps.slice(0, 2),
      { id: "send", kind: "send", connector: target, policy: { retry } },
    ];
    return body;
  };
}

/** The Svix schedule, every retry parked (even the 5 s one), so no wait sleeps in a worker. */
const SVIX_PARKED: RetryPolicyInput = { ...retryPresets.svix, parkAfterMs: 0 };
/** Offsets from the first attempt at which the Svix schedule's attempts are due. */
const SVIX_DUE: number[] = [];
for (const delay of retryPresets.svix.delaysMs ?? []) SVIX_DUE.push((SVIX_DUE.at(-1) ?? 0) + delay);

/** Resolves once `check` holds (looked at every 20 ms, for at most 15 s). */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let waited = 0; !(await check()); waited += 20) {
    if (waited > 15_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The queue's running jobs once the job that parked the records has ended (it ends right after
 * writing their counts): looked at every 20 ms for up to 5 s. 0 means no worker slot is held.
 */
async function activeJobsOnceSettled(queue: RunQueue): Promise<number> {
  let active = (await queue.activeJobs?.()) ?? 0;
  for (let waited = 0; active > 0 && waited < 5_000; waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    active = (await queue.activeJobs?.()) ?? 0;
  }
  return active;
}

/**
 * Resolves once every record was attempted at `due` and none of the run's parked records is due
 * any more (each parked again for later, or settled): the clock may move on.
 */
async function attemptedAt(runtime: Runtime, runId: string, calls: Map<string, number[]>, due: number) {
  await until(`every record attempted at ${due}`, async () => {
    if (![...calls.values()].every((at) => at.includes(due))) return false;
    const { items } = await runtime.runs.parked(runId);
    return items.every((p) => Date.parse(p.dueAt) > T0 + due);
  });
}

const records = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `p-${i}`, amount: i + 1 }));

async function parkedCount(runtime: Runtime, runId: string): Promise<number> {
  return (await runtime.runs.get(runId)).counts.parked;
}

const factories = await storeFactories({ bullmq: true });
afterAll(async () => {
  for (const factory of factories) await factory.cleanup();
});

describe.each(factories)("parked retries ($name)", ({ name, make, skip }) => {
  /** A runtime on a fresh store with a fake clock and no sweep timer; its queue for measuring. */
  async function setUp(retry: RetryPolicyInput, down: (clock: ReturnType<typeof fakeClock>) => boolean) {
    const store: Store = await make();
    const clock = fakeClock();
    const queue: RunQueue = defaultQueues.get(store) ?? inlineQueue();
    const payments = await approvedPayments(store, {
      body: bodyWith(retry),
      runtime: { clock: clock.now, queue, parking: { sweepEveryMs: 0 } },
    });
    const calls = new Map<string, number[]>();
    payments.target.behave((record) => {
      const ref = (record as { ref: string }).ref;
      calls.set(ref, [...(calls.get(ref) ?? []), clock.elapsed()]);
      if (down(clock)) throw failures.unavailable();
      return { ok: true, ref };
    });
    return { ...payments, store, clock, queue, calls };
  }

  it.skipIf(skip)(
    "rides out a 2-hour outage on the Svix schedule: retried on schedule, no worker held while parked, all succeed",
    async () => {
      const { runtime, blueprintId, target, clock, queue, calls } = await setUp(
        SVIX_PARKED,
        (c) => c.elapsed() < 2 * HOUR,
      );
      try {
        const n = 20;
        const run = await runtime.runs.start(blueprintId, { records: records(n) });
        // The first attempt and those due at 5 s, 5 min 5 s and 35 min 5 s fail (the target is
        // down for 2 h); the one due at 2 h 35 min 5 s succeeds.
        const dues = SVIX_DUE.slice(0, 4);
        expect(dues).toEqual([
          5 * SECOND,
          5 * MINUTE + 5 * SECOND,
          35 * MINUTE + 5 * SECOND,
          2 * HOUR + 35 * MINUTE + 5 * SECOND,
        ]);
        let slotsWhileParked = 0;
        for (const due of dues) {
          await until(`all ${n} records parked`, async () => (await parkedCount(runtime, run.id)) === n);
          // Measured: while every record is parked, the queue runs no job of this run.
          slotsWhileParked = Math.max(slotsWhileParked, await activeJobsOnceSettled(queue));
          expect(await parkedCount(runtime, run.id)).toBe(n);
          const parked = await runtime.runs.parked(run.id);
          expect(parked.items).toHaveLength(n);
          expect(parked.nextAttemptAt).toBe(new Date(T0 + due).toISOString());
          expect((await runtime.runs.get(run.id)).status).toBe("RUNNING");
          // Nothing runs early.
          clock.set(due - 1);
          expect(await runtime.resumeParked()).toBe(0);
          clock.set(due);
          // The sweep resumes them (with BullMQ, a delayed job firing meanwhile may take one).
          expect(await runtime.resumeParked()).toBeGreaterThan(0);
          await attemptedAt(runtime, run.id, calls, due);
        }
        const done = await runtime.runs.wait(run.id, { timeoutMs: 15_000 });
        process.stdout.write(
          `[figure] parked retries (${name}): ${n} records through a 2 h outage, worker slots held while parked: ${slotsWhileParked}\n`,
        );
        expect(slotsWhileParked).toBe(0);
        expect(done.status).toBe("SUCCEEDED");
        expect(done.counts).toMatchObject({ total: n, completed: n, parked: 0, failed: 0, deadLettered: 0 });
        expect(target.effects).toHaveLength(n);
        for (const [, at] of calls) expect(at).toEqual([0, ...dues]);
        expect(calls.size).toBe(n);
        const events = (await runtime.runs.events(run.id, { limit: 500 })).items;
        expect(events.filter((e) => e.type === "record.parked")).toHaveLength(4 * n);
        expect(events.filter((e) => e.type === "record.resumed")).toHaveLength(4 * n);
        expect((await runtime.runs.parked(run.id)).items).toEqual([]);
      } finally {
        await runtime.close({ timeoutMs: 1_000 });
      }
    },
    60_000,
  );

  it.skipIf(skip)(
    "dead-letters a record only after the whole horizon (8 attempts over ~27.6 h)",
    async () => {
      const { runtime, blueprintId, clock, calls } = await setUp(SVIX_PARKED, () => true);
      try {
        const run = await runtime.runs.start(blueprintId, { records: records(3) });
        for (const due of SVIX_DUE) {
          await until("records parked", async () => (await parkedCount(runtime, run.id)) === 3);
          expect((await runtime.runs.get(run.id)).counts.deadLettered).toBe(0);
          clock.set(due);
          expect(await runtime.resumeParked()).toBeGreaterThan(0);
          await attemptedAt(runtime, run.id, calls, due);
        }
        const done = await runtime.runs.wait(run.id, { timeoutMs: 15_000 });
        expect(done.status).toBe("FAILED");
        expect(done.counts).toMatchObject({ total: 3, deadLettered: 3, parked: 0 });
        const letters = (await runtime.deadLetters.list({ runId: run.id })).items;
        expect(letters.map((l) => l.attempts)).toEqual([8, 8, 8]);
        expect(calls.get("p-0")).toEqual([0, ...SVIX_DUE]);
        expect(SVIX_DUE.at(-1)).toBe(27 * HOUR + 35 * MINUTE + 5 * SECOND);
      } finally {
        await runtime.close({ timeoutMs: 1_000 });
      }
    },
    60_000,
  );

  it.skipIf(skip)(
    "a worker that dies mid-resume: its records are taken over after its lease, and a key it completed is not sent again",
    async () => {
      const { runtime, blueprintId, target, store, clock, calls } = await setUp(
        SVIX_PARKED,
        (c) => c.elapsed() < 5 * SECOND,
      );
      try {
        const run = await runtime.runs.start(blueprintId, { records: records(2) });
        await until("records parked", async () => (await parkedCount(runtime, run.id)) === 2);
        clock.set(5 * SECOND);
        // Another worker claims both due records, applies p-0 at the target and stores its key's
        // outcome (as the record's owner), then is killed before settling either.
        const claimed = await store.claimDueParkedRecords({
          owner: "dead",
          leaseMs: 60_000,
          now: clock.now(),
          limit: 10,
        });
        expect(claimed).toHaveLength(2);
        const p0 = claimed.find((p) => p.recordKey === "p-0")!;
        await store.completeIdempotencyKey({
          scope: blueprintId,
          key: "p-0",
          owner: `${run.id}/${p0.position}`,
          now: clock.now(),
          result: { ok: true, ref: "p-0" },
        });
        expect(await runtime.resumeParked()).toBe(0); // held by the dead worker's lease
        clock.set(5 * SECOND + 60_000);
        expect(await runtime.resumeParked()).toBe(2);
        const done = await runtime.runs.wait(run.id, { timeoutMs: 10_000 });
        expect(done).toMatchObject({
          status: "SUCCEEDED",
          counts: { completed: 2, parked: 0, duplicates: 0 },
        });
        expect(calls.get("p-0")).toEqual([0]); // not sent again
        expect(calls.get("p-1")).toEqual([0, 5 * SECOND + 60_000]);
        expect(target.effects).toHaveLength(1);
      } finally {
        await runtime.close({ timeoutMs: 1_000 });
      }
    },
    30_000,
  );

  it.skipIf(skip)(
    "parks for the peer's Retry-After (3 h) rather than the schedule's 5 s",
    async () => {
      const { runtime, blueprintId, target, clock } = await setUp(retryPresets.svix, () => false);
      target.behave((record, _context, call) => {
        if (call === 1) throw failures.unavailable(3 * HOUR);
        return { ok: true, record };
      });
      try {
        const run = await runtime.runs.start(blueprintId, { input: { id: "p-0", amount: 1 } });
        await until("the record parked", async () => (await parkedCount(runtime, run.id)) === 1);
        expect((await runtime.runs.parked(run.id)).nextAttemptAt).toBe(new Date(T0 + 3 * HOUR).toISOString());
        clock.set(3 * HOUR - 1);
        expect(await runtime.resumeParked()).toBe(0);
        clock.set(3 * HOUR);
        expect(await runtime.resumeParked()).toBe(1);
        expect(await runtime.runs.wait(run.id, { timeoutMs: 10_000 })).toMatchObject({
          status: "SUCCEEDED",
          counts: { completed: 1, parked: 0 },
        });
        expect(target.effects).toHaveLength(1);
      } finally {
        await runtime.close({ timeoutMs: 1_000 });
      }
    },
    30_000,
  );

  it.skipIf(skip)(
    "retryNow runs a parked record at once; cancelParked dead-letters one; typed errors",
    async () => {
      let down = true;
      const { runtime, blueprintId, target } = await setUp(SVIX_PARKED, () => down);
      try {
        const run = await runtime.runs.start(blueprintId, { records: records(2) });
        await until("records parked", async () => (await parkedCount(runtime, run.id)) === 2);
        down = false;
        const made = await runtime.runs.retryNow(run.id, "p-0");
        expect(made.map((p) => p.recordKey)).toEqual(["p-0"]);
        await until("p-0 resumed", async () => (await parkedCount(runtime, run.id)) === 1);
        expect((await runtime.runs.get(run.id)).counts).toMatchObject({ completed: 1, parked: 1 });
        await expect(runtime.runs.retryNow(run.id, "p-0")).rejects.toMatchObject({
          code: "RECORD_NOT_PARKED",
          path: "/recordKey",
        });
        await expect(runtime.runs.retryNow("run_nope")).rejects.toMatchObject({ code: "NOT_FOUND" });
        const cancelled = await runtime.runs.cancelParked(run.id, "p-1", { by: "ops" });
        expect(cancelled.status).toBe("FAILED");
        expect(cancelled.counts).toMatchObject({ completed: 1, deadLettered: 1, parked: 0 });
        const [letter] = (await runtime.deadLetters.list({ runId: run.id })).items;
        expect(letter?.error.code).toBe("CANCELLED");
        // The given-up record's key was released: its replay runs it.
        const replay = await runtime.deadLetters.replay([letter!.id]);
        expect(await runtime.runs.wait(replay.id, { timeoutMs: 10_000 })).toMatchObject({
          status: "SUCCEEDED",
          counts: { completed: 1 },
        });
        expect(target.effects).toHaveLength(2);
        await expect(runtime.runs.cancelParked(run.id)).rejects.toMatchObject({ code: "RECORD_NOT_PARKED" });
      } finally {
        await runtime.close({ timeoutMs: 1_000 });
      }
    },
    30_000,
  );

  it.skipIf(skip)(
    "a cancelled run drops its parked records and frees their keys",
    async () => {
      let down = true;
      const { runtime, blueprintId, target } = await setUp(SVIX_PARKED, () => down);
      try {
        const run = await runtime.runs.start(blueprintId, { records: records(2) });
        await until("records parked", async () => (await parkedCount(runtime, run.id)) === 2);
        const cancelled: Run = await runtime.runs.cancel(run.id);
        expect(cancelled.status).toBe("CANCELLED");
        expect((await runtime.runs.parked(run.id)).items).toEqual([]);
        down = false;
        const again = await runtime.runs.start(blueprintId, { records: records(2) });
        expect(await runtime.runs.wait(again.id, { timeoutMs: 10_000 })).toMatchObject({
          status: "SUCCEEDED",
          counts: { completed: 2 },
        });
        expect(target.effects).toHaveLength(2);
      } finally {
        await runtime.close({ timeoutMs: 1_000 });
      }
    },
    30_000,
  );
});

const redis = await checkTestService("redis");

describe("parked records across a host restart", () => {
  const pg = factories.find((f) => f.name === "postgres")!;
  const cases = [
    { name: "memory (runs kept in memory)", durableRuns: false, skip: false as string | false, shared: true },
    { name: "memory (durable runs)", durableRuns: true, skip: false as string | false, shared: true },
    { name: "postgres", durableRuns: true, skip: pg.skip, shared: false },
  ];

  it.each(cases)(
    "$name: a new runtime on the same store resumes every parked record, none lost or sent twice",
    async ({ durableRuns, skip, shared }) => {
      if (skip) return;
      const clock = fakeClock();
      // The same memory store object; for PostgreSQL a second store on the same schema.
      const first: Store = await (shared ? Promise.resolve(memoryStore()) : pg.make());
      const schema = (first as { schema?: string }).schema;
      const options = { clock: clock.now, durableRuns, parking: { sweepEveryMs: 0 } };
      const a = await approvedPayments(first, { body: bodyWith(SVIX_PARKED), runtime: options });
      a.target.behave(() => {
        if (clock.elapsed() < 2 * HOUR) throw failures.unavailable();
        return { ok: true };
      });
      const n = 10;
      const run = await a.runtime.runs.start(a.blueprintId, { records: records(n) });
      await until("records parked", async () => (await parkedCount(a.runtime, run.id)) === n);
      clock.set(5 * SECOND);
      expect(await a.runtime.resumeParked()).toBe(n);
      await until("records parked again", async () => (await parkedCount(a.runtime, run.id)) === n);
      await a.runtime.close({ timeoutMs: 1_000 }); // the host restarts during the wait
      const second: Store = shared
        ? first
        : postgresStore({ connectionString: (await checkTestService("postgres")).url }, { schema: schema! });
      const b = createRuntime({ store: second, connectors: [a.target.connector], ...options });
      try {
        clock.set(2 * HOUR + 35 * MINUTE + 5 * SECOND); // past the outage; every record is due
        expect(await b.resumeParked()).toBe(n);
        const done = await b.runs.wait(run.id, { timeoutMs: 10_000 });
        expect(done).toMatchObject({ status: "SUCCEEDED", counts: { total: n, completed: n, parked: 0 } });
        expect(a.target.effects).toHaveLength(n);
      } finally {
        await b.close({ timeoutMs: 1_000 });
      }
    },
    30_000,
  );

  // BullMQ: a delayed job per parked record (job id from the parked record's id) resumes it,
  // with no store sweep at all, in a worker that was not the one that parked it.
  it.skipIf(pg.skip || redis.skip)(
    "postgres+bullmq: a delayed job resumes the record in a new worker after the first one closed",
    async () => {
      const prefix = `parked20_${Date.now().toString(36)}`;
      const url = new URL(redis.url);
      const connection = { host: url.hostname, port: Number(url.port || 6379) };
      const first = await pg.make();
      const schema = (first as { schema?: string }).schema!;
      const queueA = bullmqQueue({ connection, prefix, lockDurationMs: 2_000 });
      const retry: RetryPolicyInput = { delaysMs: [3_000], maxAttempts: 2, parkAfterMs: 1_000 };
      const a = await approvedPayments(first, {
        body: bodyWith(retry),
        runtime: { queue: queueA, parking: { sweepEveryMs: 0 } },
      });
      a.target.behave((_record, _context, call) => {
        if (call === 1) throw failures.unavailable();
        return { ok: true };
      });
      const run = await a.runtime.runs.start(a.blueprintId, { input: { id: "p-0", amount: 1 } });
      await until("the record parked", async () => (await parkedCount(a.runtime, run.id)) === 1);
      const activeWhileParked = await activeJobsOnceSettled(queueA);
      expect(await parkedCount(a.runtime, run.id)).toBe(1);
      await a.runtime.close({ timeoutMs: 1_000 });
      const b = createRuntime({
        store: postgresStore({ connectionString: (await checkTestService("postgres")).url }, { schema }),
        connectors: [a.target.connector],
        queue: bullmqQueue({ connection, prefix, lockDurationMs: 2_000 }),
        parking: { sweepEveryMs: 0 },
      });
      try {
        const done = await b.runs.wait(run.id, { timeoutMs: 15_000 });
        expect(activeWhileParked).toBe(0);
        expect(done).toMatchObject({ status: "SUCCEEDED", counts: { completed: 1, parked: 0 } });
        expect(a.target.calls()).toBe(2);
        const events = (await b.runs.events(run.id)).items.map((e) => e.type);
        expect(events).toContain("record.parked");
        expect(events).toContain("record.resumed");
      } finally {
        await b.close({ timeoutMs: 1_000 });
        const { Redis } = await import("ioredis");
        const client = new Redis(connection);
        const keys = await client.keys(`${prefix}:*`);
        if (keys.length > 0) await client.del(...keys);
        client.disconnect();
      }
    },
    30_000,
  );
});
