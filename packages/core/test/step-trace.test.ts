// issue 23: the per-step trace of each record (the console's waterfall), through the public API.
import { memoryStore, type RecordStepTrace, type Runtime } from "@synapseops/core";
import { afterEach, describe, expect, it } from "vitest";
import { approvedPayments, failures } from "./_executor-fixtures";
import { storeFactories } from "./_stores";

let runtime: Runtime | undefined;
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

async function stepsOf(runId: string, recordKey: string): Promise<RecordStepTrace[]> {
  const page = await runtime!.runs.events(runId, { recordKey, type: "record.steps" });
  return page.items.flatMap((event) => event.data.steps as RecordStepTrace[]);
}

describe("step trace", () => {
  it("keeps each step's timing, attempts, redacted input and output, and errors", async () => {
    const setup = await approvedPayments(memoryStore(), { runtime: { stepTrace: true } });
    runtime = setup.runtime;
    setup.target.behave((record, _context, call) => {
      if ((record as { ref: string }).ref === "bad") throw failures.rejected();
      if (call === 1) throw failures.unavailable();
      return { ok: true, ledgerId: `L-${(record as { ref: string }).ref}` };
    });
    const run = await runtime.runs.start(setup.blueprintId, {
      records: [
        { id: "a", amount: 1.5, password: "hunter2-canary" },
        { id: "zero", amount: 0 },
        { id: "bad", amount: 2 },
      ],
    });
    const done = await runtime.runs.wait(run.id);
    expect(done.counts).toMatchObject({ completed: 1, filtered: 1, deadLettered: 1 });

    const a = await stepsOf(run.id, "a");
    expect(a.map((s) => [s.step, s.kind, s.end, s.attempts])).toEqual([
      ["map", "map", "ok", 0],
      ["positive", "filter", "ok", 0],
      ["send", "send", "ok", 2],
    ]);
    expect(a[0]?.input).toEqual({ id: "a", amount: 1.5, password: "[REDACTED]" });
    expect(a[0]?.output).toEqual({ ref: "a", cents: 150 });
    expect(a[2]?.output).toEqual({ ok: true, ledgerId: "L-a" });
    for (const step of a) {
      expect(Number.isNaN(Date.parse(step.startedAt))).toBe(false);
      expect(step.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(JSON.stringify(a)).not.toContain("hunter2-canary");

    const zero = await stepsOf(run.id, "zero");
    expect(zero.map((s) => s.end)).toEqual(["ok", "filtered"]);

    const bad = await stepsOf(run.id, "bad");
    expect(bad.at(-1)).toMatchObject({ step: "send", end: "failed", attempts: 1 });
    expect(bad.at(-1)?.error).toMatchObject({ code: "CONNECTOR_FAILED", retryable: false });
  });

  it("cuts a value longer than maxValueChars to a preview", async () => {
    const setup = await approvedPayments(memoryStore(), { runtime: { stepTrace: { maxValueChars: 40 } } });
    runtime = setup.runtime;
    const note = "x".repeat(500);
    const run = await runtime.runs.start(setup.blueprintId, { records: [{ id: "long", amount: 1, note }] });
    await runtime.runs.wait(run.id);
    const [map] = await stepsOf(run.id, "long");
    const input = map?.input as { truncated: boolean; chars: number; preview: string };
    expect(input.truncated).toBe(true);
    expect(input.chars).toBe(JSON.stringify({ id: "long", amount: 1, note }).length);
    expect(input.preview).toBe(JSON.stringify({ id: "long", amount: 1, note }).slice(0, 40));
    expect(map?.output).toEqual({ ref: "long", cents: 100 });
  });

  it("is off by default: no record.steps events", async () => {
    const setup = await approvedPayments(memoryStore());
    runtime = setup.runtime;
    const run = await runtime.runs.start(setup.blueprintId, { records: [{ id: "a", amount: 1 }] });
    await runtime.runs.wait(run.id);
    expect(await stepsOf(run.id, "a")).toEqual([]);
    expect((await runtime.runs.events(run.id)).items.length).toBeGreaterThan(0);
  });

  // issue 21 × 23: a one-record durable run (the webhook path) writes its events inside the
  // start and finish statements; its step trace must still be kept.
  it.each(["memory", "postgres"] as const)(
    "keeps the trace of a one-record durable run (%s)",
    async (kind) => {
      const [factory] = (await storeFactories()).filter((f) => f.name === kind);
      if (factory!.skip) return void console.warn(`skipped: ${factory!.skip}`);
      try {
        const store = await factory!.make();
        expect(store.oneRecordRuns).toBeDefined();
        const setup = await approvedPayments(store, { runtime: { stepTrace: true, durableRuns: true } });
        runtime = setup.runtime;
        const run = await runtime.runs.ingest(setup.blueprintId, { record: { id: "solo", amount: 2 } });
        expect((await runtime.runs.wait(run.id)).status).toBe("SUCCEEDED");
        const steps = await stepsOf(run.id, "solo");
        expect(steps.map((s) => [s.step, s.end])).toEqual([
          ["map", "ok"],
          ["positive", "ok"],
          ["send", "ok"],
        ]);
      } finally {
        await runtime?.close();
        runtime = undefined;
        await factory!.cleanup();
      }
    },
  );
});
