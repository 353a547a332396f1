import canonicalize from "canonicalize";
import { describe, expect, it } from "vitest";
import { writeCanonicalJson } from "./canonical-json";

/** Values whose canonical text must match the `canonicalize` package's byte for byte. */
const SAMPLES: unknown[] = [
  null,
  true,
  false,
  0,
  -0,
  1.5,
  1e21,
  1e-7,
  -123456789.125,
  Number.MAX_SAFE_INTEGER,
  "",
  'é\u2028\u0000"\\\ud800',
  { b: 1, a: 2, B: 3, _: 4, "10": 5, "9": 6, é: 7, "\u{1F600}": 8, "\uFFFF": 9 },
  { nested: { z: [1, { y: null, x: [] }], a: {} }, list: [[[]]] },
  { kept: 1, gone: undefined, symbol: Symbol("s"), fn: () => 1 },
  [undefined, Symbol("s"), () => 1, null],
  // biome-ignore lint/suspicious/noSparseArray: holes are what the package's reduce skips
  [1, , 3],
  // biome-ignore lint/suspicious/noSparseArray: a hole first
  [, 1],
  new Date(Date.UTC(2026, 11, 7, 19, 0, 0, 5)),
  { at: new Date(0), custom: { toJSON: () => ({ b: 2, a: 1 }) } },
  { toJSON: () => undefined },
  Object.assign(Object.create(null), { b: 1, a: [2] }),
  new Number(5),
  Object.assign(new Map(), { a: 1 }),
  Array.from({ length: 40 }, (_, i) => ({ [`k${39 - i}`]: i, id: `r-${i}`, amount: i % 7, note: "bench" })),
  Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${(i * 7) % 30}`, i])),
  Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`${String.fromCharCode(122 - i)}${i}`, i])),
  undefined,
  () => 1,
  Symbol("top"),
];

describe("writeCanonicalJson", () => {
  it.each(SAMPLES.map((value, index) => [index, value]))(
    "writes sample %i as canonicalize does",
    (_, value) => {
      expect(writeCanonicalJson(value)).toBe(canonicalize(value));
    },
  );

  it("writes random JSON values as canonicalize does", () => {
    let seed = 21;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const randomValue = (depth: number): unknown => {
      const pick = next();
      if (depth > 3 || pick < 0.4) {
        const leaf = [
          null,
          true,
          next() * 1e6 - 5e5,
          Math.floor(next() * 1000),
          `t${Math.floor(next() * 99)}é`,
        ];
        return leaf[Math.floor(next() * leaf.length)];
      }
      if (pick < 0.7) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(depth + 1));
      const object: Record<string, unknown> = {};
      for (let i = Math.floor(next() * 5); i > 0; i -= 1)
        object[`k${Math.floor(next() * 50)}`] = randomValue(depth + 1);
      return object;
    };
    for (let i = 0; i < 500; i += 1) {
      const value = randomValue(0);
      expect(writeCanonicalJson(value)).toBe(canonicalize(value));
    }
  });

  it("refuses NaN and infinities as canonicalize does", () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, { a: [Number.NEGATIVE_INFINITY] }]) {
      expect(() => canonicalize(bad)).toThrow();
      expect(() => writeCanonicalJson(bad)).toThrow(/not allowed/);
    }
  });
});
