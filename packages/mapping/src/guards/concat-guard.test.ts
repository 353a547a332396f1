import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import { compileExpression, MappingError, MappingErrorCode } from "../index";
import { findConcatenations, guardConcatenations, STRING_GUARD_NAME } from "./concat-guard";

/** What an evaluation gave: its value, or its error's JSONata code, position and token. */
async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return { value: await run() };
  } catch (error) {
    const failure = error as { code?: string; jsonataCode?: string; position?: number; token?: string };
    return {
      code: failure instanceof MappingError ? failure.jsonataCode : failure.code,
      position: failure.position,
      token: failure.token,
    };
  }
}

// The guard call replaces jsonata's own `&`: conversions, errors and depth must stay jsonata's.
const AGREEING: [expression: string, input: unknown, bindings?: Record<string, unknown>][] = [
  ['a & b & c & "!"', { a: "x", b: 2.5, c: { d: [1, true, null] } }],
  ["a & missing & b", { a: "x", b: "y" }],
  ["missing & missing", {}],
  [
    'items.(name & "-" & $string(n))',
    {
      items: [
        { name: "a", n: 1 },
        { name: "b", n: 2 },
      ],
    },
  ],
  ['"p" & $lambda & "q"', {}],
  ['($g := function($x) { $x & $x }; "a" & $g & $g("b"))', {}],
  ['"a" & $x', {}, { x: Number.POSITIVE_INFINITY }],
  ['"a" & ("b" & $x) & "c"', {}, { x: Number.NaN }],
  ['"x" ~> $s & "y"', {}, { s: "q" }],
  ['{"k": a & "1"}.k & "2"', { a: "v" }],
  ["$map([1, 2.5, 1e21], function($v) { $v & '' })", {}],
  ['$reduce(["a", "b", "c"], function($acc, $v) { $acc & $v })', {}],
  ['(a & "b")[0] & (a & "c")', { a: "z" }],
];

describe("the `&` guard", () => {
  it.each(AGREEING)("gives jsonata's result or error for %s", async (expression, input, bindings) => {
    const expected = await outcome(() => jsonata(expression).evaluate(input, bindings));
    for (const options of [{ fastPath: false }, {}, { tierUpAfter: 0 }] as const) {
      const compiled = compileExpression(expression, options);
      expect(await outcome(() => compiled.evaluate(input, bindings))).toEqual(expected);
    }
  });

  it("nests as deep as jsonata's `&`: the depth limit falls where jsonata's `stack` does", async () => {
    const expression = '"a" & ("b" & ("c" & ("d" & ("e" & ("f" & "g")))))';
    // The smallest depth limit the expression evaluates within.
    const fitsIn = async (evaluate: (depth: number) => Promise<unknown>): Promise<number> => {
      for (let depth = 1; depth < 40; depth++) {
        if ("value" in ((await outcome(() => evaluate(depth))) as object)) return depth;
      }
      return 40;
    };
    const jsonataDepth = await fitsIn((depth) => jsonata(expression, { stack: depth } as never).evaluate({}));
    expect(jsonataDepth).toBeGreaterThan(1);
    expect(jsonataDepth).toBeLessThan(40);
    for (const options of [{ fastPath: false }, {}, { tierUpAfter: 0 }] as const) {
      const ours = await fitsIn((depth) =>
        compileExpression(expression, { ...options, maxDepth: depth }).evaluate({}),
      );
      expect(ours).toBe(jsonataDepth);
    }
  });

  it("refuses a string over the output limit wherever it is built, in every tier alike", async () => {
    const cases = [
      // At the root (the output check used to catch it, with another message) and inside.
      "$s & $s & $s",
      "$length($s & $s & $s)",
      '$reduce([1..10], function($acc, $v) { $acc & $acc }, "ab")',
    ];
    for (const expression of cases) {
      const messages = new Set<string>();
      for (const options of [{ fastPath: false }, {}, { tierUpAfter: 0 }] as const) {
        const compiled = compileExpression(expression, { ...options, maxOutputSize: 100 });
        const failure = await compiled.evaluate({}, { s: "x".repeat(40) }).catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(MappingError);
        expect((failure as MappingError).code).toBe(MappingErrorCode.OUTPUT_TOO_LARGE);
        messages.add((failure as MappingError).message);
      }
      expect([...messages]).toHaveLength(1);
      expect([...messages][0]).toMatch(/built a string of \d+ characters, over the output limit of 100/);
    }
  });

  it("turns each `&` node in place, once, from the nodes a walk found", () => {
    const expression = jsonata('"x" ~> a & b & c');
    const found = findConcatenations(expression.ast());
    expect(found.nodes).toHaveLength(2);
    expect(found.applied?.size).toBe(1);
    // A node listed twice (reached through two parents) is turned once.
    found.nodes.push(...found.nodes);
    expect(guardConcatenations(expression, 100, found)).toBe(true);
    const text = JSON.stringify(expression.ast());
    expect(text).not.toContain('"value":"&"');
    expect(text.split(STRING_GUARD_NAME)).toHaveLength(3);
    expect(text).toContain('"type":"block"');
  });

  it("leaves an `&` with a path-step role to the exit hook (returns false)", () => {
    // The parser wraps a parenthesised `&` in a block, which takes the role; an `&` that
    // carries one itself is left as it is.
    const expression = jsonata("a & b");
    (expression.ast() as unknown as Record<string, unknown>).keepArray = true;
    expect(guardConcatenations(expression, 100)).toBe(false);
    expect(JSON.stringify(expression.ast())).not.toContain(STRING_GUARD_NAME);
  });
});
