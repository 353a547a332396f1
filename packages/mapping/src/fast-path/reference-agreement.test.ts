import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import { compileExpression, MappingError } from "../index";

/** What an evaluation produced, comparable across engines: a value (with -0 kept) or an error. */
type Outcome =
  | { value: unknown }
  | { error: { code: string | undefined; position?: number; token?: string } };

async function reference(expression: string, input: unknown): Promise<Outcome> {
  try {
    return { value: await jsonata(expression).evaluate(structuredClone(input)) };
  } catch (error) {
    const failure = error as { code?: string; position?: number; token?: string };
    return { error: { code: failure.code, position: failure.position, token: failure.token } };
  }
}

async function ours(expression: string, input: unknown, fastPath: boolean): Promise<Outcome> {
  try {
    return { value: await compileExpression(expression, { fastPath }).evaluate(input) };
  } catch (error) {
    if (!(error instanceof MappingError)) throw error;
    expect(error.message).not.toMatch(/synapseops/);
    return { error: { code: error.jsonataCode, position: error.position, token: error.token } };
  }
}

const orders = (items: unknown[][]) => ({ orders: items.map((list) => ({ items: list })) });

// issue 17: each expression gave a wrong value or a wrong error in at least one mode.
const cases: [string, string, unknown][] = [
  [
    "nested $map lambdas, two orders",
    "$map(orders, function($o){ $map($o.items, function($i){ $i.sku }) })",
    orders([[{ sku: "A" }], [{ sku: "B" }]]),
  ],
  [
    "nested $map lambdas, one order",
    "$map(orders, function($o){ $map($o.items, function($i){ $i.sku }) })",
    orders([[{ sku: "A" }]]),
  ],
  [
    "nested $map lambdas, empty items",
    "$map(orders, function($o){ $map($o.items, function($i){ $i.sku }) })",
    orders([[]]),
  ],
  [
    "tail call in a condition inside a $map lambda",
    "$map(orders, function($o){ $o.items ? $map($o.items, function($i){ $i.sku }) : 0 })",
    orders([[{ sku: "A" }], []]),
  ],
  [
    "tail call through a local lambda",
    "($f := function($o){ $map($o.items, function($i){ $i.sku }) }; $map(orders, function($o){ $f($o) }))",
    orders([[{ sku: "A" }], [{ sku: "B" }]]),
  ],
  [
    "array constructor inside one off the fast path",
    '[$replace(phone, /[^0-9]/, ""), [first, last]]',
    { phone: "(0) 12-3", first: "Ada", last: "L" },
  ],
  ["the literal -0", "-0", {}],
  ["-0 in an object", '{"a": -0, "b": [-0]}', {}],
  [
    "a conditional function on the right of ~>",
    'name ~> (flag = "u" ? $uppercase : $lowercase)',
    { name: "Ab", flag: "u" },
  ],
  ["a concatenation on the right of ~>", '"x" ~> "a" & "b"', {}],
  [
    // issue 17 (seed 20261207): the `&` right of `~>` fell back to the exit hook, whose await on
    // every sub-expression reordered jsonata's concurrently evaluated groups, so the error took
    // another `$map` call's position (43 instead of 55, see test/differential/call-sites.ts).
    "a concatenation on the right of ~> inside concurrently evaluated groups",
    "items{sku: $map((*).(1), function($x){ $map((1 ~> $map(function($x){ 1 }) & 1), function($i){ 1 }) })}",
    { items: [{ sku: "SKU-1" }, { sku: "SKU-1", price: 0.1 }, { sku: "A" }] },
  ],
  [
    "an error inside a fast sub-expression keeps its position",
    '[$replace(p, /1/, ""), $number("x" & p) + 1]',
    { p: "a1" },
  ],
  ["an unknown function off the fast path", '[$replace(p, /1/, ""), $foo(p & "a" & "b" & "c")]', { p: "1" }],
];

describe("agreement with jsonata (issue 17)", () => {
  for (const [title, expression, input] of cases) {
    it(`${title}: ${expression}`, async () => {
      const expected = await reference(expression, input);
      expect(await ours(expression, input, true)).toEqual(expected);
      expect(await ours(expression, input, false)).toEqual(expected);
      if ("value" in expected && typeof expected.value === "number") {
        expect(
          Object.is(((await ours(expression, input, true)) as { value: unknown }).value, expected.value),
        ).toBe(true);
      }
    });
  }

  // issue 17 (seed-20261207 follow-up): a group-by of a tuple stream runs on the fast path, as
  // the reference's `reduceTupleStream` does it — including its `delete` of `@` from a group of
  // one tuple, which a later group holding that tuple then sees ("b" below gets no value).
  const tupleGroups: [string, unknown][] = [
    ["items#$i{sku: $i}", { items: [{ sku: "A" }, { sku: "B" }, { sku: "A" }, {}] }],
    [
      "items#$i{sku: $sum(qty) + $sum($i), 'n': $count($)}",
      {
        items: [
          { sku: "A", qty: 2 },
          { sku: "A", qty: 5 },
        ],
      },
    ],
    [
      "items@$o{$o.sku: $o.qty}",
      {
        items: [
          { sku: "A", qty: 2 },
          { sku: "B", qty: 1 },
          { sku: "A", qty: 5 },
        ],
      },
    ],
    ['items#$i{"a": $, "b": $}', { items: [{ sku: "Z" }] }],
    [
      "items#$i[qty > 1]{sku: [$i]}",
      {
        items: [
          { sku: "A", qty: 2 },
          { sku: "B", qty: 1 },
          { sku: "A", qty: 5 },
        ],
      },
    ],
    ["items#$i{sku: $i}", { items: [] }],
    ["items#$i{sku: $i, qty: $i}", { items: [{ sku: "A", qty: "A" }] }],
  ];
  for (const [expression, input] of tupleGroups) {
    it(`a group-by of a tuple stream on the fast path: ${expression}`, async () => {
      const expected = await reference(expression, input);
      expect(await ours(expression, input, true)).toEqual(expected);
      expect(await ours(expression, input, false)).toEqual(expected);
      const compiled = compileExpression(expression, { fastPath: true });
      await compiled.evaluate(input).catch(() => undefined);
      // An error (D1009 for the last case) deopts to the reference, which raises it.
      expect(compiled.counters.fast).toBe("error" in expected ? 0 : 1);
    });
  }

  // issue 17: why a group-by over an empty array stays with the reference. jsonata groups it as
  // `[undefined]` by pushing `undefined` into that very array, and later reads in the same
  // evaluation see the push ("n": 1, "l": [undefined]). The fast path must not write into the
  // caller's data and cannot make every later read see a write it did not do; the reference
  // runs such a case on a copy where empty arrays are fresh.
  it("a group-by over an empty array: later reads see jsonata's push, the caller's input does not", async () => {
    const expression = '{"g": line_items{"k": 1}, "n": $count(line_items), "l": line_items}';
    const expected = await reference(expression, { line_items: [] });
    expect(expected).toEqual({ value: { g: { k: 1 }, n: 1, l: [undefined] } });
    for (const fastPath of [true, false]) {
      const input = { line_items: [] as unknown[] };
      const compiled = compileExpression(expression, { fastPath });
      expect({ value: await compiled.evaluate(input) }).toEqual(expected);
      expect(input.line_items.length).toBe(0);
      expect(compiled.counters.fast).toBe(0);
    }
  });

  it("keeps -0 distinct from 0", async () => {
    // issue 17: the fast path wrote the literal -0 as 0.
    expect(Object.is(await compileExpression("-0", { fastPath: true }).evaluate({}), -0)).toBe(true);
    expect(Object.is(await compileExpression("-0", { fastPath: false }).evaluate({}), -0)).toBe(true);
  });

  it("a regex literal in the left side of ?: and ?? means itself (documented difference)", async () => {
    // issue 17: jsonata's JSON copy of the condition turns the literal into {} (threw here).
    for (const fastPath of [true, false]) {
      const elvis = compileExpression("$contains(s, /b/) ?: false", { fastPath });
      expect(await elvis.evaluate({ s: "abc" })).toBe(true);
      expect(await elvis.evaluate({ s: "xyz" })).toBe(false);
      expect(await elvis.evaluate({})).toBe(false);
      const coalesce = compileExpression("$match(s, /b+/).match ?? 'none'", { fastPath });
      expect(await coalesce.evaluate({ s: "abbc" })).toBe("bb");
      expect(await coalesce.evaluate({ s: "tea" })).toBe("none");
    }
  });

  it("group-by over an empty array leaves the caller's input alone", async () => {
    // issue 17: jsonata pushes undefined into the (caller's) empty array it groups.
    for (const fastPath of [true, false]) {
      const input = { line_items: [] as unknown[], other: { list: [] as unknown[] } };
      const compiled = compileExpression("line_items{sku: $sum(quantity)}", { fastPath });
      expect(await compiled.evaluate(input)).toEqual(
        await jsonata("line_items{sku: $sum(quantity)}").evaluate({ line_items: [] }),
      );
      expect(input.line_items).toEqual([]);
      expect(input.line_items.length).toBe(0);
      const bound = compileExpression("$l{sku: quantity}", { fastPath });
      const list: unknown[] = [];
      await bound.evaluate({}, { l: list });
      expect(list.length).toBe(0);
    }
  });
});
