import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import { analyseExpression } from "./expression-analysis";
import { DEFAULT_LIMITS } from "./expression-options";
import { functionEnvironment } from "./function-environment";
import { compileExpression, MappingErrorCode } from "./index";

const HUGE_PAD = '$pad("", 20000000, "x")';

describe("reference instances bind the functions an expression names", () => {
  it("binds only those (all with `$eval`)", async () => {
    expect(
      [...(analyseExpression(jsonata("$pad(a, 3) & $string(b)").ast()).functionNames ?? [])].sort(),
    ).toEqual(["pad", "string"]);
    expect(analyseExpression(jsonata(`$eval("1")`).ast()).functionNames).toBeUndefined();
    // An unnamed guarded function stays jsonata's own on that instance.
    const environment = functionEnvironment(DEFAULT_LIMITS.maxOutputSize);
    const named = jsonata("$pad");
    environment.setUpReference(named, new Set(["pad"]));
    const unnamed = jsonata("$pad");
    environment.setUpReference(unnamed, new Set(["join"]));
    const plain = jsonata("$pad");
    const [ours, theirs, jsonatas] = await Promise.all([named, unnamed, plain].map((e) => e.evaluate({})));
    expect(ours).not.toBe(jsonatas);
    const implementation = (value: unknown): unknown => (value as { implementation: unknown }).implementation;
    expect(implementation(theirs)).toBe(implementation(jsonatas));
  });

  it.each([
    ["called by name", HUGE_PAD],
    ["passed as a value", `($p := $pad; $p("", 20000000, "x"))`],
    ["partially applied", `$pad(?, 20000000, "x")("")`],
    ["reached from $eval text", `$eval(${JSON.stringify(HUGE_PAD)})`],
  ])("keeps the guarded version reachable when %s", async (_how, expression) => {
    const compiled = compileExpression(expression, { fastPath: false });
    await expect(compiled.evaluate({})).rejects.toMatchObject({ code: MappingErrorCode.OUTPUT_TOO_LARGE });
  });
});
