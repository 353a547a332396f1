/**
 * The bounds corpus (issue 17): expressions that once crashed the host, ran for seconds or
 * minutes past their limit, or returned past `maxOutputSize`. Each case either ends with a
 * typed `MappingError` or — where the engine now handles it linearly — with its value, and
 * either way within its `timeoutMs` (plus a tolerance the test states).
 */
export interface BoundsCase {
  name: string;
  expression: string;
  /** Builds the input (in the process that evaluates it: 50 MB is not sent over a pipe). */
  input(): unknown;
  timeoutMs: number;
  /** The error codes it may end with; `value` when it must (or may) answer instead. */
  expect: {
    codes: readonly string[];
    value?: unknown;
    /** Codes accepted in worker mode only (its hard deadline counts copying the input in). */
    workerCodes?: readonly string[];
  };
}

const letters = (count: number, tail = ""): string => "a".repeat(count) + tail;
const numbers = (count: number): number[] => Array.from({ length: count }, (_, i) => i);

const LIMIT = ["MAPPING_TIMEOUT", "MAPPING_DEPTH", "MAPPING_SEQUENCE_TOO_LONG", "MAPPING_OUTPUT_TOO_LARGE"];

export const boundsCorpus: readonly BoundsCase[] = [
  // Regexes that backtrack exponentially on a backtracking engine run on RE2: linear, a value.
  {
    name: "alternation of one character ^(a|a)*$",
    expression: "$contains(s, /^(a|a)*$/)",
    input: () => ({ s: letters(30, "!") }),
    timeoutMs: 100,
    expect: { codes: [], value: false },
  },
  {
    name: "stacked quantifiers [a-z]* x5 on 3,000 characters",
    expression: "$contains(s, /^[a-z]*[a-z]*[a-z]*[a-z]*[a-z]*!$/)",
    input: () => ({ s: "abcdefghij".repeat(300) }),
    timeoutMs: 100,
    expect: { codes: [], value: false },
  },
  {
    name: "^(.*a){12}b",
    expression: "$contains(s, /^(.*a){12}b/)",
    input: () => ({ s: letters(100) }),
    timeoutMs: 100,
    expect: { codes: [], value: false },
  },
  {
    name: "a*a*a*a*a*a*b on 100 characters",
    expression: "$contains(s, /a*a*a*a*a*a*b/)",
    input: () => ({ s: letters(100) }),
    timeoutMs: 100,
    expect: { codes: [], value: false },
  },
  {
    name: "backreference",
    expression: "$match(s, /(a)\\1/)",
    input: () => ({ s: "aa" }),
    timeoutMs: 100,
    expect: { codes: ["MAPPING_REGEX_UNSUPPORTED"] },
  },
  {
    name: "lookahead",
    expression: "$replace(s, /a(?=b)/, 'x')",
    input: () => ({ s: "ab" }),
    timeoutMs: 100,
    expect: { codes: ["MAPPING_REGEX_UNSUPPORTED"] },
  },
  {
    name: "lookbehind",
    expression: "$split(s, /(?<=a)b/)",
    input: () => ({ s: "ab" }),
    timeoutMs: 100,
    expect: { codes: ["MAPPING_REGEX_UNSUPPORTED"] },
  },
  // Recursion and built-ins.
  {
    name: "recursive fib(40)",
    expression: "($fib := function($n){ $n < 2 ? $n : $fib($n - 1) + $fib($n - 2) }; $fib(40))",
    input: () => ({}),
    timeoutMs: 1000,
    expect: { codes: ["MAPPING_TIMEOUT"] },
  },
  {
    name: "$count($sort([1..100000]))",
    expression: "$count($sort([1..100000]))",
    input: () => ({}),
    timeoutMs: 1000,
    expect: { codes: LIMIT, value: 100000 },
  },
  {
    name: "recursion through $eval",
    expression: '($f := function($n){ $eval("$f($n + 1)") }; $f(0))',
    input: () => ({}),
    timeoutMs: 1000,
    expect: { codes: LIMIT },
  },
  {
    name: "[id..id] with 2^53",
    expression: "[id..id]",
    input: () => ({ id: 9007199254740992 }),
    timeoutMs: 1000,
    expect: { codes: [...LIMIT, "MAPPING_RUNTIME"] },
  },
  {
    name: "[0..id] with 1e9",
    expression: "$count([0..id])",
    input: () => ({ id: 1e9 }),
    timeoutMs: 1000,
    expect: { codes: LIMIT },
  },
  {
    name: "$distinct of 200,000 numbers",
    expression: "$count($distinct(xs))",
    input: () => ({ xs: numbers(200_000) }),
    timeoutMs: 1000,
    expect: { codes: LIMIT, value: 200_000 },
  },
  {
    name: "$pad inside $map",
    expression: '$map([1..100000], function($i){ $pad("", 1000, "x") })',
    input: () => ({}),
    timeoutMs: 1000,
    expect: { codes: LIMIT },
  },
  {
    name: "$string($) on 50 MB",
    expression: "$string($)",
    input: () => ({ rows: Array.from({ length: 50_000 }, (_, i) => ({ id: i, text: "x".repeat(1000) })) }),
    timeoutMs: 1000,
    // In worker mode, copying 50 MB into the worker takes most of the second (measured 950–990 ms
    // under load): the hard deadline may end it first, typed as well.
    expect: { codes: ["MAPPING_OUTPUT_TOO_LARGE"], workerCodes: ["MAPPING_TIMEOUT"] },
  },
];
