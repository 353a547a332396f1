import {
  createRuntime,
  inlineQueue,
  type OneRecordRunStore,
  type RunQueue,
  type Store,
} from "@synapseops/core";
import { afterAll, describe, expect, it } from "vitest";
import { approvedPayments } from "./_executor-fixtures";
import { storeFactories } from "./_stores";

// Issue 21: a process that dies at any step of the one-record path (create, start, finish)
// leaves rows the batch path of another process carries on from: the run ends SUCCEEDED, its
// record applied once at a key-honouring target, its log holding one run.started and one
// run.finished in order.
const factories = (await storeFactories()).filter((f) => f.name === "memory" || f.name === "postgres");
afterAll(async () => {
  for (const factory of factories) await factory.cleanup();
});

type Step = keyof OneRecordRunStore;
interface CrashPoint {
  step: Step;
  /** Whether the step's write happened before the process died. */
  wrote: boolean;
  /**
   * The queue has no slot free when the run arrives, so its creator writes it before its
   * executor starts it (create, start, finish); otherwise a store that can writes it with the
   * start (created started, finish).
   */
  queueBusy: boolean;
}
const SPLIT: CrashPoint[] = [
  { step: "createOneRecordRun", wrote: true, queueBusy: true },
  { step: "startOneRecordRun", wrote: false, queueBusy: true },
  { step: "startOneRecordRun", wrote: true, queueBusy: true },
  { step: "finishOneRecordRun", wrote: false, queueBusy: true },
  { step: "finishOneRecordRun", wrote: true, queueBusy: true },
];
const CREATED_STARTED: CrashPoint[] = [
  { step: "createStartedOneRecordRun", wrote: false, queueBusy: false },
  { step: "createStartedOneRecordRun", wrote: true, queueBusy: false },
  { step: "finishOneRecordRun", wrote: false, queueBusy: false },
  { step: "finishOneRecordRun", wrote: true, queueBusy: false },
];
/** The points of a store: the created-started ones where it can write a run started. */
const pointsOf = async (factory: (typeof factories)[number]): Promise<CrashPoint[]> => {
  if (factory.skip) return SPLIT;
  const store = await factory.make();
  const both = store.oneRecordRuns?.createStartedOneRecordRun !== undefined;
  await store.close();
  return both ? [...SPLIT, ...CREATED_STARTED] : SPLIT;
};
const cases = await Promise.all(
  factories.map(async (factory) => ({ factory, points: await pointsOf(factory) })),
);

/** An inline queue that never has a slot free when a run arrives (a busy process). */
function busyQueue(): RunQueue {
  const { startsAtOnce: _, ...queue } = inlineQueue();
  return queue;
}

/** The store as a process sees it that dies at `point`: the step throws, and so does every later call. */
function dyingAt(store: Store, point: CrashPoint): { store: Store; died: Promise<void> } {
  let dead = false;
  let die: () => void = () => {};
  const died = new Promise<void>((resolve) => (die = resolve));
  const crash = (): never => {
    dead = true;
    die();
    throw new Error(`the process died at ${point.step}`);
  };
  const one = store.oneRecordRuns!;
  const steps = new Proxy(one, {
    get(target, property) {
      const real = Reflect.get(target, property) as ((...args: unknown[]) => Promise<unknown>) | undefined;
      if (real === undefined) return undefined;
      if (property !== point.step) return real.bind(target);
      return async (...args: unknown[]) => {
        if (!point.wrote) crash();
        await real.apply(target, args);
        return crash();
      };
    },
  });
  const wrapped = new Proxy(store, {
    get(target, property, receiver) {
      if (property === "oneRecordRuns") return steps;
      // The second process goes on with the store: the dead one's runtime must not close it.
      if (property === "close") return async () => {};
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (dead) throw new Error("the process is dead");
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: wrapped, died };
}

describe.each(cases)(
  "one-record path on the $factory.name store: a crash, then a resume",
  ({ factory, points }) => {
    it.skipIf(Boolean(factory.skip)).each(points)(
      "dies at $step (wrote: $wrote, queue busy: $queueBusy): the run ends once, its record applied once",
      async (point) => {
        const store = await factory.make();
        const dying = dyingAt(store, point);
        const options = {
          durableRuns: true,
          batchLeaseMs: 300,
          resumeOnStart: false,
          ...(point.queueBusy ? { queue: busyQueue() } : {}),
        } as const;
        const first = await approvedPayments(dying.store, { honourKeys: true, runtime: options });
        const ingested = first.runtime.runs
          .ingest(first.blueprintId, { record: { id: "p1", amount: 2 } })
          .catch(() => undefined);
        await dying.died;
        await first.runtime.close();
        // Another process on the same store and target picks the run up.
        const second = createRuntime({
          store,
          connectors: [first.target.connector],
          durableRuns: true,
          batchLeaseMs: 300,
        });
        try {
          const [run] = (await store.listRuns({ blueprintId: first.blueprintId })).items;
          if (point.step === "createStartedOneRecordRun" && !point.wrote) {
            // Nothing was written, and the caller was told so: the arrival was never accepted.
            expect(run).toBeUndefined();
            expect(await ingested).toBeUndefined();
            expect(first.target.effects).toHaveLength(0);
            return;
          }
          expect(run).toBeDefined();
          // A create that died after its write never told the caller the run's id.
          if (point.step !== "createOneRecordRun" && point.step !== "createStartedOneRecordRun")
            expect((await ingested)?.id).toBe(run!.id);
          const done = await second.runs.wait(run!.id, { timeoutMs: 20_000 });
          expect(done.status).toBe("SUCCEEDED");
          expect(done.counts).toMatchObject({ total: 1, completed: 1, failed: 0, duplicates: 0 });
          expect(first.target.effects).toHaveLength(1);
          const log = (await store.listRunEvents(run!.id)).map((e) => e.type);
          expect(log.filter((type) => type === "run.started")).toHaveLength(1);
          expect(log.filter((type) => type === "run.finished")).toHaveLength(1);
          expect(log.indexOf("run.started")).toBeLessThan(log.indexOf("run.finished"));
          expect((await store.listRunBatches(run!.id)).map((b) => b.state)).toEqual(["DONE"]);
        } finally {
          await second.close();
          await store.close();
        }
      },
      60_000,
    );
  },
);

describe.each(factories)("one-record path on the $name store", (factory) => {
  it.skipIf(Boolean(factory.skip))(
    "a warm ingest → wait takes three store calls (two if it can create a run started): no blueprint, revision, ref, run or batch read, no wait poll",
    async () => {
      const store = await factory.make();
      const calls: string[] = [];
      const counted = new Proxy(store, {
        get(target, property, receiver) {
          const value: unknown = Reflect.get(target, property, receiver);
          if (property === "oneRecordRuns" && value !== undefined)
            return new Proxy(value as OneRecordRunStore, {
              get: (one, step) => {
                const real = Reflect.get(one, step) as ((...a: unknown[]) => unknown) | undefined;
                if (real === undefined) return undefined;
                return (...args: unknown[]) => {
                  calls.push(String(step));
                  return real.apply(one, args);
                };
              },
            });
          if (typeof value !== "function") return value;
          return (...args: unknown[]) => {
            calls.push(String(property));
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
      const { runtime, blueprintId, target } = await approvedPayments(counted, {
        honourKeys: true,
        runtime: { durableRuns: true, resumeOnStart: false },
      });
      try {
        const arrive = async (id: string) => {
          const run = await runtime.runs.ingest(blueprintId, { record: { id, amount: 1 } });
          return runtime.runs.wait(run.id, { timeoutMs: 10_000 });
        };
        await arrive("warm");
        calls.length = 0;
        const done = await arrive("p2");
        expect(done).toEqual(await store.getRun(done.id));
        expect(done.status).toBe("SUCCEEDED");
        expect(target.effects).toHaveLength(2);
        // Two where the store writes the run with its start (the queue had a slot free).
        expect([...calls]).toEqual(
          store.oneRecordRuns?.createStartedOneRecordRun === undefined
            ? ["createOneRecordRun", "startOneRecordRun", "finishOneRecordRun"]
            : ["createStartedOneRecordRun", "finishOneRecordRun"],
        );
      } finally {
        await runtime.close();
        await store.close();
      }
    },
    30_000,
  );
});
