import { memoryStore, type RunEvent } from "@synapseops/core";
import { describe, expect, it } from "vitest";
import { approvedPayments } from "./_executor-fixtures";

// issue 18: runs.events returned an array while every other list returns a page.
describe("runs.events", () => {
  it("returns pages like every other list: items, and nextCursor while more events follow", async () => {
    const { runtime, blueprintId } = await approvedPayments(memoryStore());
    const started = await runtime.runs.start(blueprintId, {
      records: [
        { id: "p1", amount: 1 },
        { id: "p2", amount: 2 },
        { id: "p3", amount: 3 },
      ],
    });
    const run = await runtime.runs.wait(started.id, { timeoutMs: 10_000 });
    expect(run.status).toBe("SUCCEEDED");

    const all = await runtime.runs.events(run.id, { level: "debug", limit: 500 });
    expect(all.nextCursor).toBeUndefined();
    expect(all.items.length).toBeGreaterThanOrEqual(2);

    const paged: RunEvent[] = [];
    const pageSizes: number[] = [];
    let page = await runtime.runs.events(run.id, { level: "debug", limit: 1 });
    for (;;) {
      paged.push(...page.items);
      pageSizes.push(page.items.length);
      if (page.nextCursor === undefined) break;
      page = await runtime.runs.events(run.id, { level: "debug", limit: 1, cursor: page.nextCursor });
    }
    expect(paged.map((e) => e.seq)).toEqual(all.items.map((e) => e.seq));
    expect(pageSizes.slice(0, -1).every((n) => n === 1)).toBe(true);
    // A last page that is exactly full has no nextCursor: there is nothing after it.
    const exact = await runtime.runs.events(run.id, { level: "debug", limit: all.items.length });
    expect(exact.nextCursor).toBeUndefined();
    await runtime.close();
  });

  it("refuses a cursor it did not hand out, and an unknown run", async () => {
    const { runtime, blueprintId } = await approvedPayments(memoryStore());
    await expect(runtime.runs.events("run_nope")).rejects.toMatchObject({ code: "NOT_FOUND" });
    const started = await runtime.runs.start(blueprintId, { records: [{ id: "a", amount: 1 }] });
    const run = await runtime.runs.wait(started.id, { timeoutMs: 10_000 });
    await expect(runtime.runs.events(run.id, { cursor: "abc" })).rejects.toMatchObject({
      name: "ValidationError",
      path: "/cursor",
    });
    await runtime.close();
  });
});
