import { memoryStore, type Run, ValidationError } from "@synapseops/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { recordsOf, tenantRuntime, WriteProbe } from "../../../test/_limits-fixtures";
import { type CoalesceOptions, coalesceIngests } from "./coalesce-ingest";

// Issue 20: debounce / throttle of triggers. Timers are faked: the tests say what happens at
// which instant, never how fast.

/** A stand-in for `runs.ingest` that records what each run would have held. */
function recordingRuns() {
  const started: { records: unknown[]; connection?: string | undefined; at: number }[] = [];
  return {
    started,
    ingest: async (_blueprintId: string, event: { records?: unknown[]; connection?: string }) => {
      started.push({ records: event.records ?? [], connection: event.connection, at: Date.now() });
      return { id: `run_${started.length}` } as Run;
    },
  };
}

const ids = (records: unknown[]): string[] => records.map((r) => (r as { id: string }).id);

describe("coalesceIngests", () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it("debounce: a burst of one key becomes one run after the quiet period, with every record", async () => {
    const runs = recordingRuns();
    const hook = coalesceIngests(runs, "bp", { key: "tenant", debounce: { quietMs: 1_000 } });
    const answers: Promise<Run>[] = [];
    for (const [n, record] of recordsOf("a", 5).entries()) {
      answers.push(hook.ingest({ record }));
      if (n < 4) await vi.advanceTimersByTimeAsync(900); // each within the quiet period
    }
    answers.push(hook.ingest({ record: { id: "b-0", tenant: "b" } }));
    await vi.advanceTimersByTimeAsync(999);
    expect(runs.started).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs.started.map((s) => ids(s.records))).toEqual([["a-0", "a-1", "a-2", "a-3", "a-4"], ["b-0"]]);
    const answered = await Promise.all(answers);
    expect(new Set(answered.slice(0, 5).map((r) => r.id)).size).toBe(1);
    expect(answered[5]!.id).not.toBe(answered[0]!.id);
  });

  it("debounce: a burst that never goes quiet still runs after maxWaitMs", async () => {
    const runs = recordingRuns();
    const hook = coalesceIngests(runs, "bp", {
      key: "tenant",
      debounce: { quietMs: 1_000, maxWaitMs: 3_000 },
    });
    for (let n = 0; n < 10; n += 1) {
      void hook.ingest({ record: { id: `a-${n}`, tenant: "a" } });
      await vi.advanceTimersByTimeAsync(500);
    }
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs.started.map((s) => [s.at, s.records.length])).toEqual([
      [3_000, 6],
      [5_500, 4],
    ]);
  });

  it("throttle: at most N runs per window; the rest wait for the next window, merged", async () => {
    const runs = recordingRuns();
    const hook = coalesceIngests(runs, "bp", { key: "tenant", throttle: { runs: 2, windowMs: 1_000 } });
    const answers = recordsOf("a", 6).map((record) => hook.ingest({ record }));
    await vi.advanceTimersByTimeAsync(0);
    expect(runs.started.map((s) => ids(s.records))).toEqual([["a-0"], ["a-1"]]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs.started.map((s) => [s.at, ids(s.records)])).toEqual([
      [0, ["a-0"]],
      [0, ["a-1"]],
      [1_000, ["a-2", "a-3", "a-4", "a-5"]],
    ]);
    expect((await Promise.all(answers)).map((r) => r.id)).toEqual([
      "run_1",
      "run_2",
      ...Array(4).fill("run_3"),
    ]);
  });

  it("keeps records of different connections apart and starts a group at maxRecords", async () => {
    const runs = recordingRuns();
    const hook = coalesceIngests(runs, "bp", { key: "tenant", debounce: { quietMs: 1_000 }, maxRecords: 3 });
    void hook.ingest({ records: recordsOf("a", 2), connection: "con_1" });
    void hook.ingest({ records: recordsOf("a", 2, "x"), connection: "con_2" });
    void hook.ingest({ record: { id: "a-2", tenant: "a" }, connection: "con_1" });
    await vi.advanceTimersByTimeAsync(0);
    expect(runs.started.map((s) => [s.connection, ids(s.records)])).toEqual([
      ["con_1", ["a-0", "a-1", "a-2"]],
    ]);
    await hook.flush();
    expect(runs.started.map((s) => [s.connection, ids(s.records)])[1]).toEqual(["con_2", ["ax-0", "ax-1"]]);
  });

  it("rejects every merged caller when the run cannot be created (nothing answered, nothing lost)", async () => {
    const failing = {
      ingest: async (): Promise<Run> => {
        throw new Error("store down");
      },
    };
    const hook = coalesceIngests(failing, "bp", { key: "tenant", debounce: { quietMs: 10 } });
    const answers = [hook.ingest({ record: { tenant: "a" } }), hook.ingest({ record: { tenant: "a" } })];
    const settled = Promise.allSettled(answers);
    await vi.advanceTimersByTimeAsync(10);
    expect((await settled).map((s) => s.status)).toEqual(["rejected", "rejected"]);
  });

  it.each([
    [{ key: "tenant", debounce: { quietMs: 0 } }, "/debounce/quietMs"],
    [{ key: "tenant" }, "/debounce"],
    [{ key: "tenant.(", debounce: { quietMs: 10 } }, "/key"],
    [{ key: "tenant", throttle: { runs: 1, windowMs: 1.5 } }, "/throttle/windowMs"],
  ])("refuses malformed options with a ValidationError at their path (%#)", (options, path) => {
    const make = () => coalesceIngests(recordingRuns(), "bp", options as CoalesceOptions);
    expect(make).toThrow(ValidationError);
    expect(make).toThrow(expect.objectContaining({ path }));
  });

  it("refuses an event with an idempotencyKey", async () => {
    const hook = coalesceIngests(recordingRuns(), "bp", { key: "tenant", debounce: { quietMs: 10 } });
    await expect(hook.ingest({ record: { tenant: "a" }, idempotencyKey: "k" })).rejects.toMatchObject({
      path: "/idempotencyKey",
    });
  });
});

describe("coalesceIngests on a runtime", () => {
  it("runs the merged records through the blueprint", async () => {
    const probe = new WriteProbe();
    const { runtime, blueprintId } = await tenantRuntime(probe, { store: memoryStore() });
    const hook = coalesceIngests(runtime.runs, blueprintId, { key: "tenant", debounce: { quietMs: 60_000 } });
    const answers = recordsOf("a", 3).map((record) => hook.ingest({ record }));
    await hook.flush();
    const [run] = await Promise.all(answers);
    const done = await runtime.runs.wait(run!.id, { timeoutMs: 10_000 });
    expect(done.counts).toMatchObject({ total: 3, completed: 3 });
    expect(done.trigger?.kind).toBe("webhook");
    expect(probe.order.sort()).toEqual(["a-0", "a-1", "a-2"]);
    await runtime.close();
  });
});
