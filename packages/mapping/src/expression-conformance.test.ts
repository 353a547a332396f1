import { describe, expect, it, vi } from "vitest";
import { loadCases, runConformance } from "../scripts/conformance";
import { ReferenceEvaluator } from "./reference-evaluator";

// The whole JSONata reference suite, in both evaluation modes; every case must pass. The suite is
// vendored under test/jsonata-test-suite, so it never skips (issue 18: it skipped in a fresh clone).
describe("JSONata conformance", () => {
  const cases = loadCases();

  it("reads the whole vendored suite (1,686 cases in 102 groups)", () => {
    expect(cases).toHaveLength(1686);
    expect(new Set(cases.map((testCase) => testCase.id.split("/")[0])).size).toBe(102);
  });

  it.each(["reference", "fast"] as const)(
    "passes every case in %s mode",
    async (mode) => {
      const report = await runConformance([mode], cases);
      const failures = report.failures.map((failure) => `${failure.id}: ${failure.problem}`);
      expect(failures).toEqual([]);
      expect(report.passed).toBe(cases.length);
    },
    60_000,
  );

  // The default mode's first evaluations run cold, on the fast path's closures (issue 21).
  it("passes every case in cold mode, most of them without the reference", async () => {
    const reference = vi.spyOn(ReferenceEvaluator.prototype, "evaluate");
    try {
      const report = await runConformance(["cold"], cases);
      const failures = report.failures.map((failure) => `${failure.id}: ${failure.problem}`);
      expect(failures).toEqual([]);
      expect(report.passed).toBe(cases.length);
      expect(reference.mock.calls.length).toBeLessThan(cases.length / 2);
    } finally {
      reference.mockRestore();
    }
  }, 60_000);

  it("runs most cases on the fast path", async () => {
    const report = await runConformance(["fast"], cases.slice(0, 300));
    const fast = report.modes.fast!;
    expect(fast.compiled).toBeGreaterThan(200);
    expect(fast.finishedFast).toBeGreaterThan(150);
  }, 30_000);
});
