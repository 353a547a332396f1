import { beforeAll, describe, expect, it } from "vitest";
import { type MappingErrorCode as Code, compileExpression, MappingError, MappingErrorCode } from "./index";

const TIMEOUT_MS = 400;
/** How late past its limit an evaluation may end. */
const SLACK_MS = 50;

interface GuardCase {
  name: string;
  expression: string;
  input?: unknown;
  /** Acceptable outcomes: the guard that must fire. */
  codes: Code[];
}

const CASES: GuardCase[] = [
  {
    name: "infinite tail recursion",
    expression: "($f := function($x){ $f($x+1) }; $f(1))",
    codes: [MappingErrorCode.TIMEOUT, MappingErrorCode.DEPTH],
  },
  {
    name: "infinite non-tail recursion",
    expression: "($f := function($x){ 1 + $f($x+1) }; $f(1))",
    codes: [MappingErrorCode.DEPTH],
  },
  {
    name: "a range past the sequence limit",
    expression: "[0..9999999]",
    codes: [MappingErrorCode.SEQUENCE_TOO_LONG],
  },
  {
    name: "a range past JSONata's own range limit",
    expression: "$sum([1..1e9])",
    codes: [MappingErrorCode.SEQUENCE_TOO_LONG],
  },
  {
    name: "$pad past the output cap",
    expression: '$pad("", 20000000, "x")',
    codes: [MappingErrorCode.OUTPUT_TOO_LARGE],
  },
  {
    name: "building a 100 MB string by doubling",
    expression: '($d := function($s, $n){ $n = 0 ? $s : $d($s & $s, $n - 1) }; $d("xxxxxxxxxx", 24))',
    codes: [MappingErrorCode.OUTPUT_TOO_LARGE],
  },
  {
    name: "building a 100 MB string by appending",
    expression: '($s := $pad("", 10000, "x"); $reduce([1..10000], function($acc, $v){ $acc & $s }, ""))',
    codes: [MappingErrorCode.OUTPUT_TOO_LARGE, MappingErrorCode.TIMEOUT],
  },
  {
    name: "$join of 100 MB",
    expression: '($s := $pad("", 10000, "x"); $join([1..10000].$s))',
    codes: [MappingErrorCode.OUTPUT_TOO_LARGE],
  },
  {
    name: "deeply nested expression text",
    expression: `${"(".repeat(20000)}1${")".repeat(20000)}`,
    codes: [MappingErrorCode.DEPTH],
  },
  {
    name: "deeply nested input returned whole",
    expression: "$",
    input: JSON.parse(`${"[".repeat(5000)}${"]".repeat(5000)}`),
    codes: [MappingErrorCode.DEPTH],
  },
  {
    name: "deeply nested input walked by **",
    expression: "$count(**)",
    input: JSON.parse(`${'{"a":'.repeat(20000)}1${"}".repeat(20000)}`),
    codes: [MappingErrorCode.DEPTH, MappingErrorCode.RUNTIME],
  },
  {
    name: "switching the guards off from inside the expression",
    expression:
      "($timeout := 0; $stack := 0; $sequence := 0; $options := {}; $f := function($x){ $f($x+1) }; $f(1))",
    codes: [MappingErrorCode.TIMEOUT, MappingErrorCode.DEPTH],
  },
  {
    name: "re-evaluating a runaway expression through $eval",
    expression: '$eval("($f := function($x){ $f($x+1) }; $f(1))")',
    codes: [MappingErrorCode.TIMEOUT, MappingErrorCode.DEPTH],
  },
  {
    name: "a __proto__ key in a constructed object",
    expression: '{"__proto__": {"polluted": 1}}',
    codes: [MappingErrorCode.OUTPUT_INVALID],
  },
  {
    name: "a computed constructor key",
    expression: '{"nested": {$k: {"polluted": 1}}}',
    codes: [MappingErrorCode.OUTPUT_INVALID],
  },
  // issue 17: budgets inside built-ins, checked before they allocate or loop.
  {
    name: "a range bound past 2^53 (V8 died with 'invalid size')",
    expression: "[id..id]",
    input: { id: 9007199254740992 },
    codes: [MappingErrorCode.SEQUENCE_TOO_LONG],
  },
  {
    name: "recursion through $eval",
    expression: '($f := function($n){ $eval("$f($n + 1)") }; $f(0))',
    codes: [MappingErrorCode.DEPTH, MappingErrorCode.TIMEOUT],
  },
  {
    name: "a prototype merged from data",
    expression: "order ~> |$|$$.patch|",
    input: JSON.parse('{"order":{"a":1},"patch":{"__proto__":{"isAdmin":true}}}'),
    codes: [MappingErrorCode.OUTPUT_INVALID],
  },
  {
    name: "a regex with a backreference (the linear-time engine cannot run it)",
    expression: '$match("aa", /(a)\\1/)',
    codes: [MappingErrorCode.REGEX_UNSUPPORTED],
  },
  {
    name: "a regex with a lookahead",
    expression: '$contains("ab", /a(?=b)/)',
    codes: [MappingErrorCode.REGEX_UNSUPPORTED],
  },
];

async function outcome(
  expression: string,
  input: unknown,
  fastPath: boolean,
  bindings?: Record<string, unknown>,
): Promise<{ error?: MappingError; value?: unknown; elapsed: number }> {
  const started = Date.now();
  try {
    const compiled = compileExpression(expression, { fastPath, timeoutMs: TIMEOUT_MS });
    const value = await compiled.evaluate(input, bindings);
    return { value, elapsed: Date.now() - started };
  } catch (error) {
    if (!(error instanceof MappingError)) throw error;
    return { error, elapsed: Date.now() - started };
  }
}

beforeAll(async () => {
  // Load and warm both evaluators, so the timings below measure the guards, not a cold start.
  for (const fastPath of [true, false]) {
    await outcome(
      "($f := function($x){ $x > 50 ? $x : $f($x + 1) }; $f(1)) & $string([1..100])",
      {},
      fastPath,
    );
  }
});

describe.each([
  { mode: "fast path", fastPath: true },
  { mode: "reference", fastPath: false },
])("guards ($mode)", ({ fastPath }) => {
  it.each(CASES)("stop $name with the right error in time", async ({ expression, input, codes }) => {
    const result = await outcome(expression, input ?? {}, fastPath, { k: "constructor" });
    expect(result.error, `expected one of ${codes.join(", ")}`).toBeInstanceOf(MappingError);
    expect(codes).toContain(result.error?.code);
    expect(result.elapsed).toBeLessThanOrEqual(TIMEOUT_MS + SLACK_MS);
  });

  it("keep the process healthy and Object.prototype clean", async () => {
    for (const expression of [
      '{"__proto__": {"polluted": 1}}',
      '$lookup($, "constructor")',
      '$merge([{"__proto__": {"polluted": 1}}])',
    ]) {
      await outcome(expression, {}, fastPath);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
    const lookup = await outcome('$lookup($, "constructor")', {}, fastPath);
    expect(lookup.value).toBeUndefined();
    const after = await outcome("$sum([1, 2, 3])", {}, fastPath);
    expect(after.value).toBe(6);
  });

  it("allow safe regexes and strings under the cap", async () => {
    const match = await outcome('$match("a1b22", /[0-9]+/).match', {}, fastPath);
    expect(JSON.stringify(match.value)).toBe('["1","22"]');
    // issue 16: patterns that backtrack catastrophically on RegExp answer at once on RE2.
    for (const pattern of ["/^(a|a)*$/", "/(a+)+$/", "/^(a|aa)+$/", "/a*a*a*a*a*a*b/"]) {
      const result = await outcome(`$contains(s, ${pattern})`, { s: `${"a".repeat(100)}!` }, fastPath);
      expect(result.value, pattern).toBe(false);
      expect(result.elapsed).toBeLessThan(100);
    }
    // issue 17: a comparator-less $sort of 100,000 numbers ran out of heap; $distinct of 200,000 took 28 s.
    const sorted = await outcome("$count($sort([1..100000]))", {}, fastPath);
    expect(sorted.value).toBe(100000);
    expect(sorted.elapsed).toBeLessThan(TIMEOUT_MS);
    const distinct = await outcome("$count($distinct($append([1..100000], [1..100000])))", {}, fastPath);
    expect(distinct.value).toBe(100000);
    expect(distinct.elapsed).toBeLessThan(TIMEOUT_MS);
    const mixed = await outcome(
      '$distinct([1, "1", 1, {"a": 1}, {"a": 1}, [2], [2], null, null])',
      {},
      fastPath,
    );
    expect(mixed.value).toEqual([1, "1", { a: 1 }, [2], null]);
    const ordered = await outcome('$sort(["b", "a", "c"])', {}, fastPath);
    expect(ordered.value).toEqual(["a", "b", "c"]);
    const padded = await outcome('$length($pad("", 1000, "x"))', {}, fastPath);
    expect(padded.value).toBe(1000);
  });
});

// issue 17: with `fastPath: false`, `$string` serialised the whole value before refusing it.
describe("$string over the output limit", () => {
  it("is refused before anything is serialised, in both modes, and works as a value", async () => {
    let serialised = 0;
    const big = {
      toJSON: () => serialised++,
      items: Array.from({ length: 1000 }, (_, index) => `item ${index}`),
    };
    for (const fastPath of [true, false]) {
      const expression = compileExpression("$string(big)", { fastPath, maxOutputSize: 1000 });
      await expect(expression.evaluate({ big })).rejects.toMatchObject({
        code: MappingErrorCode.OUTPUT_TOO_LARGE,
      });
      const asValue = compileExpression('$map([1, "a", {"b": [true]}], $string)', { fastPath });
      expect([...((await asValue.evaluate({})) as unknown[])]).toEqual(["1", "a", '{"b":[true]}']);
      // jsonata builds a partial application from the parameters' source text, and fails on the
      // built-in's `prettify = false`: ours, written alike, fails alike.
      const partial = compileExpression('($s := $string(?, true); $s({"b": 1}))', { fastPath });
      await expect(partial.evaluate({})).rejects.toMatchObject({
        jsonataCode: "S0208",
        position: 26,
        token: "=",
      });
    }
    expect(serialised).toBe(0);
  });
});
