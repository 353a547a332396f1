import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadCases, runConformance, suiteDirectory } from "../scripts/conformance";

// The whole JSONata reference suite, in both evaluation modes; every case must pass.
describe.skipIf(!existsSync(suiteDirectory()))("JSONata conformance", () => {
  const cases = loadCases();

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

  it("runs most cases on the fast path", async () => {
    const report = await runConformance(["fast"], cases.slice(0, 300));
    const fast = report.modes.fast!;
    expect(fast.compiled).toBeGreaterThan(200);
    expect(fast.finishedFast).toBeGreaterThan(150);
  }, 30_000);
});
