import { describe, expect, it } from "vitest";
import { same } from "../test/differential/compare";
import { generateExpression, generateInput, Random, render } from "../test/differential/generate";
import {
  type CompiledExpression,
  compileExpression,
  MappingError,
  MappingErrorCode,
  registerFunction,
} from "./index";

type Outcome =
  | { kind: "value"; value: unknown }
  | { kind: "error"; code: string; jsonataCode?: string; position?: number; token?: string };

async function outcome(expression: CompiledExpression, input: unknown): Promise<Outcome> {
  try {
    return { kind: "value", value: await expression.evaluate(structuredClone(input)) };
  } catch (error) {
    if (!(error instanceof MappingError)) throw error;
    const { code, jsonataCode, position, token } = error;
    return { kind: "error", code, jsonataCode, position, token };
  }
}

function sameOutcome(left: Outcome, right: Outcome): boolean {
  if (left.kind === "value" || right.kind === "value") {
    return (
      left.kind === right.kind &&
      same((left as { value: unknown }).value, (right as { value: unknown }).value)
    );
  }
  return (
    left.code === right.code &&
    left.jsonataCode === right.jsonataCode &&
    left.position === right.position &&
    left.token === right.token
  );
}

const ORDER = {
  id: 7,
  items: [
    { sku: "A", price: 2 },
    { sku: "B", price: 3 },
  ],
};

describe("tiered evaluation (issue 21)", () => {
  it("runs the first tierUpAfter evaluations on the reference evaluator, then the fast path", async () => {
    const expression = compileExpression('{"ids": items.sku, "sum": $sum(items.price), "tier": "a"}', {
      tierUpAfter: 3,
    });
    const results: unknown[] = [];
    for (let run = 0; run < 5; run++) {
      expect(expression.hot).toBe(run >= 3);
      results.push(JSON.stringify(await expression.evaluate(ORDER)));
    }
    expect(expression.counters).toEqual({ warmUp: 3, fast: 2, reference: 0 });
    expect(new Set(results).size).toBe(1);
    expect(expression.fastPath).toBe(true);
  });

  it("tiers up after 8 evaluations by default; `fastPath: true` starts on the fast path", async () => {
    const tiered = compileExpression('$sum(items.price) & " default tier"');
    for (let run = 0; run < 9; run++) await tiered.evaluate(ORDER);
    expect(tiered.counters).toEqual({ warmUp: 8, fast: 1, reference: 0 });
    const eager = compileExpression('$sum(items.price) & " eager"', { fastPath: true, tierUpAfter: 50 });
    await eager.evaluate(ORDER);
    expect(eager.counters).toEqual({ warmUp: 0, fast: 1, reference: 0 });
    const never = compileExpression('$sum(items.price) & " never"', { fastPath: false });
    await never.evaluate(ORDER);
    expect(never.counters).toEqual({ warmUp: 0, fast: 0, reference: 1 });
    expect(never.fastPath).toBe(false);
  });

  it("asking whether the expression is on the fast path does not switch tiers", async () => {
    const expression = compileExpression('items[price > 2].sku & " asked"', { tierUpAfter: 1 });
    expect(expression.fastPath).toBe(true);
    expect(expression.hot).toBe(false);
    expect(await expression.evaluate(ORDER)).toBe("B asked");
    expect(expression.counters).toEqual({ warmUp: 1, fast: 0, reference: 0 });
  });

  it("outside the fast path, the hot tier is the reference with fast parts, with the same results", async () => {
    // A transform keeps the whole expression off the fast path; its `$sum(…) * 2` part runs fast once hot.
    const source = '{"order": $ ~> |items|{"net": price * 2}|, "total": $sum(items.price) * 2}';
    const expression = compileExpression(source, { tierUpAfter: 2 });
    const results: string[] = [];
    for (let run = 0; run < 4; run++) results.push(JSON.stringify(await expression.evaluate(ORDER)));
    expect(expression.fastPath).toBe(false);
    expect(expression.counters).toEqual({ warmUp: 2, fast: 0, reference: 2 });
    expect(new Set(results).size).toBe(1);
    expect(JSON.parse(results[0]!).total).toBe(10);
  });

  it("a recompiled source keeps its tier; its counters are its own", async () => {
    const source = '$sum(items.price) & " recompiled"';
    const first = compileExpression(source, { tierUpAfter: 2 });
    await first.evaluateMany([ORDER, ORDER, ORDER]);
    const again = compileExpression(source, { tierUpAfter: 2, path: "/elsewhere" });
    expect(again.hot).toBe(true);
    expect(again.counters).toEqual({ warmUp: 0, fast: 0, reference: 0 });
    await again.evaluate(ORDER);
    expect(again.counters.fast).toBe(1);
    const error = await again.evaluate({ items: [{ price: "2" }] }).catch((failure: unknown) => failure);
    expect(error).toMatchObject({ code: MappingErrorCode.RUNTIME, jsonataCode: "T0412", path: "/elsewhere" });
    // Other limits are another program, starting cold.
    expect(compileExpression(source, { tierUpAfter: 2, timeoutMs: 999 }).hot).toBe(false);
  });

  it("a function registered after a compile is seen by the next compile of the same source", async () => {
    registerFunction("tierTestVersion", () => 1);
    const before = compileExpression("$tierTestVersion()", { tierUpAfter: 0 });
    expect(await before.evaluate({})).toBe(1);
    registerFunction("tierTestVersion", () => 2);
    expect(await compileExpression("$tierTestVersion()", { tierUpAfter: 0 }).evaluate({})).toBe(2);
    expect(await before.evaluate({})).toBe(1);
  });

  // jsonata stamps a call's position and name on the function value it calls and reports them in
  // a later error of a call through a function value: what a compile reports must not depend on
  // what another compile (of the same text, or another) evaluated before.
  it("a compile's errors do not depend on what other compiles evaluated", async () => {
    registerFunction("tierTestUpper", (text: string) => text.toUpperCase(), "<s:s>");
    const source = '$count(x) > 0 ? $tierTestUpper("a") : $map([1], $tierTestUpper)';
    const token = (expression: CompiledExpression, input: unknown) =>
      expression.evaluate(input).then(
        () => "no error",
        (error: MappingError) => `${error.jsonataCode} @${error.position} ${error.token}`,
      );
    const first = compileExpression(source, { fastPath: false });
    const fresh = await token(first, {});
    expect(fresh).toBe("T0410 @43 map");
    await first.evaluate({ x: [1] }); // a direct call: the value now carries its position and name
    expect(await token(compileExpression(source, { fastPath: false }), {})).toBe(fresh);
    // Another expression calling the function directly first, then one only mapping it.
    await compileExpression('$tierTestUpper("b")', { fastPath: false }).evaluate({});
    const mapping = compileExpression("$map([1], $tierTestUpper)", { fastPath: false });
    expect(await token(mapping, {})).toBe("T0410 @5 map");
  });

  it("refuses a fastPath or tierUpAfter it does not know", () => {
    for (const options of [
      { fastPath: "sometimes" as unknown as boolean },
      { tierUpAfter: -1 },
      { tierUpAfter: 1.5 },
      { tierUpAfter: Number.POSITIVE_INFINITY },
    ]) {
      expect(() => compileExpression("a", options)).toThrowError(
        expect.objectContaining({ code: MappingErrorCode.OPTIONS_INVALID }),
      );
    }
  });

  // The claim behind tiering: switching evaluators never changes a result or an error. Random
  // expressions from the differential fuzzer's generator cross the threshold on random inputs;
  // each evaluation must equal both the reference-only and the fast-from-the-start outcome.
  it("crossing the threshold changes no result and no error (random expressions and inputs)", async () => {
    const random = new Random(2121);
    let compared = 0;
    let afterSwitch = 0;
    let afterSwitchOnFastPath = 0;
    for (let index = 0; index < 120; index++) {
      const source = render(generateExpression(random));
      const threshold = 1 + random.int(3);
      let tiered: CompiledExpression;
      let reference: CompiledExpression;
      let fast: CompiledExpression;
      try {
        tiered = compileExpression(source, { tierUpAfter: threshold, timeoutMs: 3000 });
        reference = compileExpression(source, { fastPath: false, timeoutMs: 3000 });
        fast = compileExpression(source, { fastPath: true, timeoutMs: 3000 });
      } catch (error) {
        // Refused at compile time in every mode alike (regexes the linear engine cannot run).
        expect(() => compileExpression(source, { fastPath: false })).toThrow(MappingError);
        expect(error).toBeInstanceOf(MappingError);
        continue;
      }
      const startedHot = tiered.hot;
      for (let run = 0; run < threshold + 3; run++) {
        const input = generateInput(random);
        const fastBefore = tiered.counters.fast;
        const got = await outcome(tiered, input);
        const expected = await outcome(reference, input);
        expect(sameOutcome(got, expected), `${source} on ${JSON.stringify(input)} (run ${run})`).toBe(true);
        expect(sameOutcome(got, await outcome(fast, input)), source).toBe(true);
        if (run >= threshold) afterSwitch++;
        if (run >= threshold && tiered.counters.fast > fastBefore) afterSwitchOnFastPath++;
        compared++;
      }
      const { warmUp, fast: onFast, reference: onReference } = tiered.counters;
      expect(warmUp + onFast + onReference).toBe(threshold + 3);
      if (!startedHot) expect(warmUp).toBe(threshold);
    }
    expect(compared).toBeGreaterThan(400);
    // The switch really happened: a good part of the evaluations past the threshold finished on
    // the fast path (the rest are expressions outside it, and errors, which the reference decides).
    expect(afterSwitchOnFastPath).toBeGreaterThan(afterSwitch / 3);
  }, 120_000);
});
