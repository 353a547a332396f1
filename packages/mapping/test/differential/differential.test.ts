import { describe, expect, it } from "vitest";
import { MappingError, MappingErrorCode } from "../../src/index";
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

  // issue 17: racing errors in an object constructor are excluded only when jsonata raises ours
  // for one of the pairs alone; a wrong code is still reported.
  it("excludes a racing error only when one pair alone raises it", async () => {
    const expression = '{"k": $sum(["a"]), "l": -"a"}';
    const standIn = (code: string, position: number, token: string) => ({
      kind: "error" as const,
      code,
      position,
      token,
      ours: new MappingError(MappingErrorCode.RUNTIME, "stand-in", { jsonataCode: code, position, token }),
    });
    // jsonata reports `-"a"` (D1002 at 25); `$sum(["a"])` alone raises T0412 at 11.
    const pairAlone = prepare('{"k": $sum(["a"])}');
    const alone = await check(pairAlone, {});
    expect(alone.reference).toBe("agree: error");
    const racing = prepare(expression);
    racing.compiled.fast = standIn("T0412", 11, "sum");
    expect((await check(racing, {})).fast).toBe("excluded: errors racing in a constructor");
    const wrongCode = prepare(expression);
    wrongCode.compiled.fast = standIn("T0410", 11, "sum");
    expect((await check(wrongCode, {})).fast).toBe("differs: error");
    const wrongPosition = prepare(expression);
    wrongPosition.compiled.fast = standIn("T0412", 3, "sum");
    expect((await check(wrongPosition, {})).fast).toBe("differs: error");
  });

  // issue 17: the 40 reference-mode disagreements of seed 7. jsonata races array items too; our
  // range guard's extra awaits made the first item's error win. Excluded only because the first
  // item alone raises exactly that error.
  it("an array item's racing error is excluded only when that item alone raises it", async () => {
    const expression =
      '[(items[-1].sku - $replace(1, /[^0-9]/, "")), $each([1..$count(1)], function($v, $x){ 1 })]';
    const input = { items: [{}] };
    const categories = await check(prepare(expression), input);
    expect(categories.reference).toBe("excluded: errors racing in a constructor");
    expect(categories.fast).toBe("agree: error");
    const other = prepare(expression);
    other.compiled.reference = {
      kind: "error",
      code: "T0410",
      position: 40,
      token: "each",
      ours: new MappingError(MappingErrorCode.RUNTIME, "stand-in", { jsonataCode: "T0410", position: 40 }),
    };
    expect((await check(other, input)).reference).toBe("differs: error");
  });

  // issue 17 (seed 31337): a racing pair that crashes jsonata alone explains our error without
  // a JSONata code, as the "jsonata crashed" rule does.
  it("a racing pair that alone crashes jsonata explains our code-less runtime error", async () => {
    const prepared = prepare('{"k": $ ~> |items|{"x": 1}|, "l": (items - 1)}');
    const categories = await check(prepared, { items: "Ünï" });
    for (const mode of MODES) expect(categories[mode]).not.toMatch(/^differs|^broken/);
  });

  // issue 17, point 6: under small limits both modes must fail alike (one definition of what
  // counts toward maxSequenceLength and maxDepth), whatever jsonata does.
  it("both modes hit small sequence and depth limits alike", async () => {
    const report = await fuzz({
      seed: 4242,
      expressions: 100,
      inputsPerExpression: 40,
      maxReproducers: 3,
      limits: { maxSequenceLength: 4, maxDepth: 20 },
    });
    expect(report.reproducers).toEqual([]);
    for (const mode of MODES) {
      expect(report.counts[mode]["differs: limit between modes"]).toBeUndefined();
      // The limits must actually fire, or the run proves nothing.
      expect(report.counts[mode]["excluded: our limit fired"]).toBeGreaterThan(100);
    }
  }, 120_000);

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
