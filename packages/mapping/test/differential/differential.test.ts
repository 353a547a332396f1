import { describe, expect, it } from "vitest";
import { check, MODES, prepare, same } from "./compare";
import { fuzz } from "./run";

describe("differential fuzzing against jsonata (issue 17)", () => {
  it("compares strictly: -0, NaN, key order, array items", () => {
    expect(same(-0, 0)).toBe(false);
    expect(same(Number.NaN, Number.NaN)).toBe(true);
    expect(same({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(same([1, [2]], [1, 2])).toBe(false);
    expect(same([1, [2]], [1, [2]])).toBe(true);
  });

  it("reports a mode that gives a different value", async () => {
    const prepared = prepare("-0");
    // A stand-in for the fast path's old bug: the literal -0 came out as 0.
    prepared.compiled.fast = { kind: "value", value: 0 };
    const categories = await check(prepared, {});
    expect(categories.fast).toBe("differs: value");
    expect(categories.reference).toBe("agree: value");
  });

  it("no disagreement in 20,000 fixed-seed cases per mode", async () => {
    const report = await fuzz({ seed: 17, expressions: 500, inputsPerExpression: 40, maxReproducers: 3 });
    expect(report.cases).toBeGreaterThanOrEqual(20_000);
    expect(report.reproducers).toEqual([]);
    for (const mode of MODES) {
      // The generator must keep producing both outcomes, or the run proves little.
      expect(report.counts[mode]["agree: value"]).toBeGreaterThan(8_000);
      expect(report.counts[mode]["agree: error"]).toBeGreaterThan(3_000);
    }
  }, 240_000);
});
