import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import { compileExpression } from "../index";

describe("sequences bounded by jsonata's `sequence` option", () => {
  // issue 17, fuzzer seed 6: the bounded `push` jsonata gives each sequence was enumerable, so
  // `*` over a sequence listed it (`""` once stringified) in both modes.
  it("do not show their bounded push to `*`", async () => {
    const expression =
      '($map($ ~> |items|{"x": 1}|, function($x){ $map(1, function($i){ 1 }) })){$string(*): $count($)}';
    const input = [{}, {}];
    const expected = await jsonata(expression).evaluate(structuredClone(input));
    expect(expected).toEqual({ "[1,true]": 2 });
    for (const fastPath of [true, false]) {
      expect(await compileExpression(expression, { fastPath }).evaluate(input)).toEqual(expected);
    }
  });

  it("do not show it to `*` in $eval text or to a host function", async () => {
    const text = "($map($, function($x){ $map(1, function($i){ 1 }) })){$string(*): $count($)}";
    const expression = `$eval(${JSON.stringify(text)})`;
    const expected = await jsonata(expression).evaluate([{}, {}]);
    expect(expected).toEqual({ "[1,true]": 2 });
    for (const fastPath of [true, false]) {
      expect(await compileExpression(expression, { fastPath }).evaluate([{}, {}])).toEqual(expected);
    }
    const keysOf = (value: unknown): string[] => Object.keys(value as object);
    const host = compileExpression("$keysOf($map(items, function($v){ $v }))", { fastPath: false });
    expect(await host.evaluate({ items: [1, 2] }, { keysOf })).toEqual(["0", "1", "sequence"]);
  });

  it("are still bounded", async () => {
    const expression = compileExpression("$map(items, function($v){ $v })", {
      fastPath: false,
      maxSequenceLength: 20,
    });
    const items = Array.from({ length: 50 }, (_, index) => index);
    await expect(expression.evaluate({ items })).rejects.toMatchObject({ code: "MAPPING_SEQUENCE_TOO_LONG" });
  });
});
