/**
 * The differential check (issue 17): one expression on one input, evaluated by plain `jsonata`
 * and by `compileExpression` in every mode, compared strictly — values deep-equal with `-0`,
 * `NaN` and key order, errors by JSONata code, position and token. Deliberate differences are
 * excluded by the rules of docs/mapping-expressions.md, "Deliberate differences", never by case.
 */
import jsonata from "jsonata";
import { analyseExpression } from "../../src/expression-analysis";
import { type CompiledExpression, compileExpression, MappingError, MappingErrorCode } from "../../src/index";
import { callSitePositions, forgetCallSites } from "./call-sites";
import { sequentialJsonata } from "./jsonata-sequential";

export const MODES = ["fast", "reference"] as const;
export type Mode = (typeof MODES)[number];

/** What happened to one case in one mode. */
export type Category =
  | "agree: value"
  | "agree: error"
  | `excluded: ${ExclusionRule}`
  | "differs: value"
  | "differs: error"
  | "differs: error where jsonata gives a value"
  | "differs: value where jsonata raises"
  | "differs: limit between modes"
  | "broken: not a MappingError"
  | "broken: internal name in message"
  | "broken: input mutated";

/** The documented rules (docs/mapping-expressions.md): each names why the reference is not the answer. */
export type ExclusionRule =
  | "our limit fired"
  | "jsonata hit its limit"
  | "jsonata crashed"
  | "errors racing in a constructor"
  | "call site racing in a constructor"
  | "branches racing in a constructor"
  | "jsonata disagrees with itself"
  | "regex literal in ?: or ??"
  | "prototype key refused"
  | "regex engine";

type Observed =
  | { kind: "value"; value: unknown }
  | { kind: "error"; code: string | undefined; position?: number; token?: string; ours?: MappingError };

export interface PreparedCase {
  expression: string;
  /** Whether some `?:`/`??` has a regex literal on its left (decided once per expression). */
  regexInElvis: boolean;
  /** Whether some object or array constructor or group-by has two or more pairs or items. */
  racingPairs: boolean;
  /** Whether jsonata runs some branches concurrently: `racingPairs`, or any group-by (its groups). */
  concurrent: boolean;
  /**
   * Whether our reference instance runs a guard that jsonata's evaluator awaits: a call around
   * each `&` and each non-literal range bound, or the exit hook `$eval` gets (reference-evaluator.ts).
   */
  guardAwaits: boolean;
  reference: jsonata.Expression | Observed;
  compiled: Record<Mode, CompiledExpression | Observed>;
}

const REFERENCE_TIMEOUT_MS = 3000;
const OUR_TIMEOUT_MS = 3000;

function referenceError(error: unknown): Observed {
  const failure = error as { code?: string; position?: number; token?: string };
  return {
    kind: "error",
    code: failure?.code ?? String(error),
    position: failure?.position,
    token: failure?.token,
  };
}

function ourError(error: unknown): Observed {
  if (!(error instanceof MappingError))
    return { kind: "error", code: `not a MappingError: ${String(error)}` };
  return {
    kind: "error",
    code: error.jsonataCode,
    position: error.position,
    token: error.token,
    ours: error,
  };
}

/** Limits our modes run under; small ones show whether both modes count the same (point 6). */
export interface CaseLimits {
  maxSequenceLength?: number;
  maxDepth?: number;
}

/** Parses and compiles once; each input then runs against the same programs. */
export function prepare(expression: string, limits: CaseLimits = {}): PreparedCase {
  let reference: PreparedCase["reference"];
  try {
    reference = jsonata(expression, { timeout: REFERENCE_TIMEOUT_MS } as jsonata.JsonataOptions);
  } catch (error) {
    reference = referenceError(error);
  }
  const compiled = {} as PreparedCase["compiled"];
  for (const mode of MODES) {
    try {
      compiled[mode] = compileExpression(expression, {
        ...limits,
        fastPath: mode === "fast",
        timeoutMs: OUR_TIMEOUT_MS,
      });
    } catch (error) {
      compiled[mode] = ourError(error);
    }
  }
  const regexInElvis =
    /\?[:?]/.test(expression) && expression.includes("/") && hasRegexInElvisLeft(expression);
  const racingPairs = hasRacingPairs(expression);
  const concurrent = racingPairs || hasGroupBy(expression);
  return {
    expression,
    regexInElvis,
    racingPairs,
    concurrent,
    guardAwaits: hasGuardAwaits(expression),
    reference,
    compiled,
  };
}

async function runReference(prepared: PreparedCase, input: unknown): Promise<Observed> {
  if ("kind" in prepared.reference) return prepared.reference;
  await forgetCallSites();
  try {
    return { kind: "value", value: await prepared.reference.evaluate(structuredClone(input)) };
  } catch (error) {
    return referenceError(error);
  }
}

async function runOurs(compiled: CompiledExpression | Observed, input: unknown): Promise<Observed> {
  if ("kind" in compiled) return compiled;
  await forgetCallSites();
  try {
    return { kind: "value", value: await compiled.evaluate(input) };
  } catch (error) {
    return ourError(error);
  }
}

const LIMIT_CODES = new Set<string>([
  MappingErrorCode.TIMEOUT,
  MappingErrorCode.DEPTH,
  MappingErrorCode.SEQUENCE_TOO_LONG,
  MappingErrorCode.OUTPUT_TOO_LARGE,
]);

/** Runs one input in every mode; returns each mode's category. */
export async function check(prepared: PreparedCase, input: unknown): Promise<Record<Mode, Category>> {
  // Excluded by rule whatever jsonata gives, and jsonata's copy of such a condition can exhaust
  // the heap (seed 1717 took the fuzzer down past 4 GB): it is not run.
  const expected: Observed = prepared.regexInElvis
    ? { kind: "value", value: undefined }
    : await runReference(prepared, input);
  const result = {} as Record<Mode, Category>;
  const observed = {} as Record<Mode, Observed>;
  // jsonata's second evaluation of the same program, run only for an error that differs.
  let again: Observed | undefined;
  // Both modes get one copy; a mode that writes into it is caught right after it ran.
  const data = structuredClone(input);
  for (const mode of MODES) {
    const actual = await runOurs(prepared.compiled[mode], data);
    observed[mode] = actual;
    result[mode] = classify(prepared, expected, actual);
    if (
      result[mode] === "differs: error" &&
      prepared.racingPairs &&
      (await racingPairExplains(prepared, input, actual))
    ) {
      result[mode] = "excluded: errors racing in a constructor";
    }
    if (
      result[mode] === "differs: error" &&
      prepared.concurrent &&
      awaitsShifted(prepared, mode) &&
      callSiteRaced(prepared, expected, actual)
    ) {
      result[mode] = "excluded: call site racing in a constructor";
    }
    if (
      result[mode].startsWith("differs") &&
      prepared.concurrent &&
      (await sequentialExplains(prepared, input, actual))
    ) {
      result[mode] = "excluded: branches racing in a constructor";
    }
    if (result[mode] === "differs: error" && expected.kind === "error" && !prepared.regexInElvis) {
      again ??= await runReference(prepared, input);
      if (!sameError(again, expected) && sameError(again, actual)) {
        result[mode] = "excluded: jsonata disagrees with itself";
      }
    }
    if (!result[mode].startsWith("broken") && !same(data, input)) result[mode] = "broken: input mutated";
  }
  // Limits are ours: both modes must agree on them, whatever jsonata does.
  const limits = MODES.map((mode) => limitOf(observed[mode]));
  if (limits.some((limit) => limit !== limits[0]) && !limits.includes(MappingErrorCode.TIMEOUT)) {
    for (const mode of MODES)
      if (result[mode].startsWith("excluded") || result[mode].startsWith("agree"))
        result[mode] = "differs: limit between modes";
  }
  return result;
}

function limitOf(observed: Observed): string | undefined {
  return observed.kind === "error" && observed.ours !== undefined && LIMIT_CODES.has(observed.ours.code)
    ? observed.ours.code
    : undefined;
}

function classify(prepared: PreparedCase, expected: Observed, actual: Observed): Category {
  if (actual.kind === "error") {
    if (actual.ours === undefined) return "broken: not a MappingError";
    if (/synapseops/i.test(actual.ours.message) || /synapseops/i.test(actual.token ?? "")) {
      return "broken: internal name in message";
    }
  }
  const rule = exclusion(prepared, expected, actual);
  if (rule !== undefined) return `excluded: ${rule}`;
  if (expected.kind === "value" && actual.kind === "value") {
    return same(actual.value, expected.value) ? "agree: value" : "differs: value";
  }
  if (expected.kind === "error" && actual.kind === "error") {
    return sameError(expected, actual) ? "agree: error" : "differs: error";
  }
  return actual.kind === "error"
    ? "differs: error where jsonata gives a value"
    : "differs: value where jsonata raises";
}

/** Errors agree when code, position and token do. */
function sameError(left: Observed, right: Observed): boolean {
  return (
    left.kind === "error" &&
    right.kind === "error" &&
    left.code === right.code &&
    left.position === right.position &&
    left.token === right.token
  );
}

/** The rules of the deliberate-differences table, applied to every case alike. */
function exclusion(prepared: PreparedCase, expected: Observed, actual: Observed): ExclusionRule | undefined {
  if (actual.kind === "error" && actual.ours !== undefined) {
    if (LIMIT_CODES.has(actual.ours.code)) return "our limit fired";
    if (actual.ours.code === MappingErrorCode.OUTPUT_INVALID) return "prototype key refused";
    if (
      actual.ours.code === MappingErrorCode.REGEX_UNSAFE ||
      actual.ours.code === MappingErrorCode.REGEX_UNSUPPORTED
    ) {
      return "regex engine";
    }
  }
  if (expected.kind === "error" && ["D1012", "D1011", "D2014", "D2015"].includes(expected.code ?? "")) {
    return "jsonata hit its limit";
  }
  if (expected.kind === "error" && /call stack/i.test(expected.code ?? "")) return "jsonata hit its limit";
  // A plain JavaScript error out of jsonata (`comp is not a function`) is an engine bug, not a
  // JSONata error: ours reports it as MAPPING_RUNTIME without a JSONata code.
  if (
    expected.kind === "error" &&
    !/^[A-Z]\d{4}$/.test(expected.code ?? "") &&
    actual.kind === "error" &&
    // At parse time too: jsonata's tokenizer can throw a plain `SyntaxError` (a `/` read as the
    // start of a regex), ours is then MAPPING_SYNTAX (fuzzer seed 6; issue 17).
    (actual.ours?.code === MappingErrorCode.RUNTIME || actual.ours?.code === MappingErrorCode.SYNTAX) &&
    actual.code === undefined
  ) {
    return "jsonata crashed";
  }
  if (prepared.regexInElvis) return "regex literal in ?: or ??";
  return undefined;
}

/**
 * jsonata evaluates an object's (or group-by's) values and an array's items under
 * `Promise.all`: of two failing values, the one that fails after fewer awaits is reported. Ours
 * report the first in key order, or (off the fast path) the race as our guards' extra awaits
 * shift it. A different error is excluded only when jsonata raises exactly ours (code, position,
 * token) for one of the pairs or items evaluated alone — a wrong code stays a disagreement.
 */
async function racingPairExplains(
  prepared: PreparedCase,
  input: unknown,
  actual: Observed,
): Promise<boolean> {
  if (actual.kind !== "error") return false;
  for (const variant of singlePairVariants(prepared.expression)) {
    let observed: Observed;
    await forgetCallSites();
    try {
      observed = { kind: "value", value: await variant.evaluate(structuredClone(input)) };
    } catch (error) {
      observed = referenceError(error);
    }
    if (observed.kind !== "error") continue;
    if (
      observed.code === actual.code &&
      observed.position === actual.position &&
      observed.token === actual.token
    ) {
      return true;
    }
    // The pair alone crashes jsonata (a plain JavaScript error): ours is then MAPPING_RUNTIME
    // without a JSONata code, as the "jsonata crashed" rule says.
    if (
      !/^[A-Z]\d{4}$/.test(observed.code ?? "") &&
      actual.ours?.code === MappingErrorCode.RUNTIME &&
      actual.code === undefined
    ) {
      return true;
    }
  }
  return false;
}

/**
 * The same error, reported at another call site: an error leaving a function is given the
 * position jsonata stored on that function's object at its latest call (see `call-sites.ts`;
 * the token, once set, stays). When branches run concurrently, which call started last depends
 * on how many awaits each branch took before it, and our guards (a call around each `&`, each
 * non-literal range bound) add awaits. Excluded only when code and token are jsonata's and both
 * positions are calls in the expression, in an expression where jsonata runs branches
 * concurrently.
 */
function callSiteRaced(prepared: PreparedCase, expected: Observed, actual: Observed): boolean {
  if (expected.kind !== "error" || actual.kind !== "error") return false;
  if (expected.code !== actual.code || expected.token !== actual.token) return false;
  if (expected.position === undefined || actual.position === undefined) return false;
  const calls = callSitePositions(parseAst(prepared.expression));
  return calls.has(expected.position) && calls.has(actual.position);
}

/**
 * jsonata runs a constructor's values (and a group-by's groups) concurrently: a write one branch
 * makes — the `undefined` pushed into an empty array a group-by or object constructor runs over —
 * is seen by another depending on how many awaits each took first (jsonata-sequential.ts), and
 * our fast sub-expressions and guards change those counts. Excluded only when jsonata evaluating
 * those branches one after another, in order, gives exactly ours, value or error.
 */
async function sequentialExplains(
  prepared: PreparedCase,
  input: unknown,
  actual: Observed,
): Promise<boolean> {
  if (prepared.regexInElvis) return false;
  let observed: Observed;
  await forgetCallSites();
  try {
    const program = sequentialJsonata()(prepared.expression, {
      timeout: REFERENCE_TIMEOUT_MS,
    } as jsonata.JsonataOptions);
    observed = { kind: "value", value: await program.evaluate(structuredClone(input)) };
  } catch (error) {
    observed = referenceError(error);
  }
  if (observed.kind === "value") return actual.kind === "value" && same(observed.value, actual.value);
  return sameError(observed, actual);
}

/**
 * Whether ours takes other awaits than jsonata in this mode: a guard jsonata awaits, or (fast
 * mode) fast sub-expressions in the reference's tree, which run synchronously where jsonata
 * awaits (an expression wholly on the fast path leaves its errors to the reference instance).
 */
function awaitsShifted(prepared: PreparedCase, mode: Mode): boolean {
  if (prepared.guardAwaits) return true;
  const compiled = prepared.compiled[mode];
  return mode === "fast" && !("kind" in compiled) && !compiled.fastPath;
}

function hasGuardAwaits(expression: string): boolean {
  try {
    const needs = analyseExpression(jsonata(expression).ast());
    return needs.stringGuard || needs.ranges || needs.evaluatesText;
  } catch {
    return false;
  }
}

/** Whether some group-by runs: jsonata evaluates its groups under `Promise.all`. */
function hasGroupBy(expression: string): boolean {
  let found = false;
  const walk = (node: unknown): void => {
    if (found || typeof node !== "object" || node === null || node instanceof RegExp) return;
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    const record = node as Record<string, unknown>;
    if (record.group !== undefined) found = true;
    for (const [key, child] of Object.entries(record)) if (key !== "value") walk(child);
  };
  walk(parseAst(expression));
  return found;
}

/** A list of values jsonata evaluates under `Promise.all`: `owner[key]` (pairs or array items). */
type RacingList = { owner: Record<string, unknown[]>; key: "lhs" | "expressions" };

/** Fresh jsonata programs, each with one racing list cut down to one pair or item. */
function* singlePairVariants(expression: string): Generator<jsonata.Expression> {
  const lists = racingLists(parseAst(expression));
  for (let list = 0; list < lists.length; list++) {
    const { owner, key } = lists[list]!;
    for (let item = 0; item < owner[key]!.length; item++) {
      const program = jsonata(expression, { timeout: REFERENCE_TIMEOUT_MS } as jsonata.JsonataOptions);
      // `ast()` is the tree jsonata evaluates: cutting it here changes what this program runs.
      const target = racingLists(program.ast())[list]!;
      target.owner[target.key] = [target.owner[target.key]![item]];
      yield program;
    }
  }
}

function parseAst(expression: string): unknown {
  try {
    return jsonata(expression).ast();
  } catch {
    return undefined;
  }
}

/**
 * Object constructors and group-bys with two or more pairs, and array constructors with two or
 * more items, in walk order: jsonata 2.2.2 evaluates each of these lists under `Promise.all`.
 */
function racingLists(ast: unknown): RacingList[] {
  const found: RacingList[] = [];
  const walk = (node: unknown): void => {
    if (typeof node !== "object" || node === null || node instanceof RegExp) return;
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    const record = node as Record<string, unknown>;
    const group = record.group as Record<string, unknown[]> | undefined;
    if (record.type === "unary" && record.value === "{" && (record.lhs as unknown[]).length > 1)
      found.push({ owner: record as Record<string, unknown[]>, key: "lhs" });
    if (record.type === "unary" && record.value === "[" && (record.expressions as unknown[]).length > 1)
      found.push({ owner: record as Record<string, unknown[]>, key: "expressions" });
    if (group !== undefined && Array.isArray(group.lhs) && group.lhs.length > 1)
      found.push({ owner: group, key: "lhs" });
    for (const [key, child] of Object.entries(record)) if (key !== "value") walk(child);
  };
  walk(ast);
  return found;
}

/** Whether some constructor or group-by evaluates two or more values under `Promise.all`. */
function hasRacingPairs(expression: string): boolean {
  return racingLists(parseAst(expression)).length > 0;
}

/** Whether some `?:`/`??` has a regex literal on its left (their JSON copy loses it in jsonata). */
function hasRegexInElvisLeft(expression: string): boolean {
  let ast: unknown;
  try {
    ast = jsonata(expression).ast();
  } catch {
    return false;
  }
  let found = false;
  const walk = (node: unknown, inCopy: boolean): void => {
    if (found || typeof node !== "object" || node === null) return;
    if (Array.isArray(node)) {
      for (const item of node) walk(item, inCopy);
      return;
    }
    const record = node as Record<string, unknown>;
    if (inCopy && record.type === "regex") found = true;
    for (const [key, child] of Object.entries(record)) {
      if (key === "value") continue;
      const copy = record.type === "condition" && key === "condition" && record.then !== undefined;
      walk(child, inCopy || copy);
    }
  };
  walk(ast, false);
  return found;
}

/** Deep equality as a host sees it: -0 ≠ 0, NaN = NaN, same key order, array items only. */
export function same(left: unknown, right: unknown): boolean {
  if (typeof left === "number" && typeof right === "number") return Object.is(left, right);
  if (typeof left === "function" || typeof right === "function") return typeof left === typeof right;
  if (typeof left !== "object" || typeof right !== "object" || left === null || right === null)
    return left === right;
  if (isFunctionValue(left) || isFunctionValue(right)) return isFunctionValue(left) && isFunctionValue(right);
  if (Array.isArray(left) !== Array.isArray(right)) return false;
  if (Array.isArray(left)) {
    const other = right as unknown[];
    if (left.length !== other.length) return false;
    for (let index = 0; index < left.length; index++) if (!same(left[index], other[index])) return false;
    return true;
  }
  const leftKeys = Object.keys(left);
  const rightKeys = Object.keys(right);
  if (leftKeys.length !== rightKeys.length) return false;
  for (let index = 0; index < leftKeys.length; index++) {
    const key = leftKeys[index]!;
    if (key !== rightKeys[index]) return false;
    if (!same((left as Record<string, unknown>)[key], (right as Record<string, unknown>)[key])) return false;
  }
  return true;
}

function isFunctionValue(value: object): boolean {
  const record = value as Record<string, unknown>;
  return record._jsonata_lambda === true || record._jsonata_function === true;
}

/** A human-readable value for reports. */
export function describe(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "number" && Object.is(value, -0)) return "-0";
  try {
    return (
      JSON.stringify(value, (_key, item) =>
        typeof item === "number" && Object.is(item, -0) ? "<-0>" : item,
      ) ?? String(value)
    );
  } catch {
    return String(value);
  }
}

export async function observe(
  prepared: PreparedCase,
  input: unknown,
): Promise<Record<"jsonata" | Mode, string>> {
  const show = (observed: Observed): string =>
    observed.kind === "value"
      ? describe(observed.value)
      : `error ${observed.code} @${observed.position} ${observed.token ?? ""} ${observed.ours?.code ?? ""}`;
  const out = {
    jsonata: prepared.regexInElvis
      ? "not run (regex literal in ?: or ??)"
      : show(await runReference(prepared, input)),
  } as Record<"jsonata" | Mode, string>;
  for (const mode of MODES) out[mode] = show(await runOurs(prepared.compiled[mode], structuredClone(input)));
  return out;
}
