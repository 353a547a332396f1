/**
 * Paths, steps, tuple streams (`#$i`, `@$x`) and filters, ported from the reference evaluator's
 * `evaluatePath`, `evaluateStep`, `evaluateTupleStep`, `evaluateStages` and `evaluateFilter` so
 * that sequences are built, flattened and unwrapped exactly as there.
 */
import type { AstNode, Compiler, FilterEvaluator, Stage } from "./ast";
import { Unsupported } from "./ast";
import { compileGrouping } from "./operators";
import {
  createSequence,
  deopt,
  type Evaluator,
  type Frame,
  frameFromTuple,
  isArrayOfNumbers,
  isFunctionValue,
  isNumeric,
  isSequence,
  nullObject,
  type Sequence,
  type Tuple,
  toBoolean,
} from "./runtime";

interface CompiledStep {
  evaluate: Evaluator;
  /** For an order-by step (`^(…)`): its terms. */
  sort: SortTerm[] | undefined;
  stages: CompiledStage[];
  tuple: boolean;
  consarray: boolean;
  focus: string | undefined;
  index: string | undefined;
}

type CompiledStage = { kind: "filter"; filter: FilterEvaluator } | { kind: "index"; name: string };

function compileStages(stages: Stage[] | undefined, compiler: Compiler): CompiledStage[] {
  return (stages ?? []).map((stage) => {
    if (stage.type === "filter" && stage.expr !== undefined) {
      return { kind: "filter", filter: compiler.compileFilter(stage.expr) };
    }
    if (stage.type === "index" && typeof stage.value === "string")
      return { kind: "index", name: stage.value };
    throw new Unsupported(`stage ${stage.type}`);
  });
}

/** Compiles a `path` node. */
export function compilePath(node: AstNode, compiler: Compiler): Evaluator {
  const stepNodes = node.steps ?? [];
  if (stepNodes.length === 0) throw new Unsupported("empty path");
  const grouping = node.group === undefined ? undefined : compileGrouping(node.group, compiler);
  let tupleSeen = false;
  const steps: CompiledStep[] = stepNodes.map((step) => {
    if (step.ancestor !== undefined || step.seekingParent !== undefined) throw new Unsupported("parent %");
    tupleSeen ||= step.tuple === true;
    if (step.type === "sort") {
      // Sorting a tuple stream (after `#$i` or `@$x`) keeps the tuples: not compiled.
      if (tupleSeen || step.predicate !== undefined || step.keepArray === true || step.group !== undefined) {
        throw new Unsupported("sort of a tuple stream");
      }
      return {
        evaluate: unsupportedStep,
        sort: compileSortTerms(step, compiler),
        stages: compileStages(step.stages, compiler),
        tuple: false,
        consarray: false,
        focus: undefined,
        index: undefined,
      };
    }
    return {
      evaluate: compiler.compile(step),
      sort: undefined,
      stages: compileStages(step.stages, compiler),
      tuple: step.tuple === true,
      consarray: step.consarray === true,
      focus: step.focus,
      index: step.index,
    };
  });
  const general = pathEvaluator(
    steps,
    stepNodes[0]!.type === "variable",
    node.keepSingletonArray === true,
    node.tuple === true,
  );
  if (grouping === undefined) return general;
  return (input, frame) => general(input, frame, grouping);
}

/**
 * The reference's path algorithm over compiled steps; `group` groups the path's result, or its
 * tuples when it is a tuple stream (as the reference). Made here rather than as a named closure
 * in `compilePath`: bundlers keeping function names define the name of every named closure as
 * it is created, a cost each path paid while compiling (issue 21).
 */
function pathEvaluator(
  steps: readonly CompiledStep[],
  firstIsVariable: boolean,
  keepSingletonArray: boolean,
  pathIsTuple: boolean,
): (input: unknown, frame: Frame, group?: Evaluator) => unknown {
  const last = steps.length - 1;
  return (input, frame, group) => {
    let inputSequence: unknown = Array.isArray(input) && !firstIsVariable ? input : createSequence(input);
    let resultSequence: unknown;
    let isTupleStream = false;
    let tupleBindings: Tuple[] | undefined;
    for (let ii = 0; ii < steps.length; ii++) {
      const step = steps[ii]!;
      if (step.tuple) isTupleStream = true;
      if (ii === 0 && step.consarray) {
        resultSequence = step.evaluate(inputSequence, frame);
      } else if (isTupleStream) {
        tupleBindings = evaluateTupleStep(step, inputSequence as unknown[], tupleBindings, frame);
      } else {
        resultSequence =
          step.sort === undefined
            ? evaluateStep(step, inputSequence as unknown[], frame, ii === last)
            : evaluateSortStep(step, step.sort, inputSequence as unknown[], frame);
      }
      if (
        !isTupleStream &&
        (resultSequence === undefined || (resultSequence as { length?: unknown }).length === 0)
      ) {
        break;
      }
      if (step.focus === undefined) inputSequence = resultSequence;
    }
    if (isTupleStream) {
      if (pathIsTuple) {
        resultSequence = tupleBindings;
      } else {
        const values = createSequence();
        for (const tuple of tupleBindings ?? []) values.push(tuple["@"]);
        resultSequence = values;
      }
    }
    if (keepSingletonArray) {
      if (!Array.isArray(resultSequence)) throw deopt();
      let kept = resultSequence as Sequence;
      if (kept.cons && !kept.sequence) kept = createSequence(kept);
      kept.keepSingleton = true;
      resultSequence = kept;
    }
    if (group !== undefined) return group(isTupleStream ? tupleBindings : resultSequence, frame);
    return resultSequence;
  };
}

/** A field chase (see {@link compileFieldChase}) for a path, when it has that shape. */
export function compilePathChase(
  node: AstNode,
  compiler: Compiler,
  general: Evaluator,
): Evaluator | undefined {
  return compileFieldChase(node, node.steps ?? [], compiler, general);
}

function isPlainStep(step: AstNode): boolean {
  return (
    step.stages === undefined &&
    step.predicate === undefined &&
    step.group === undefined &&
    step.keepArray !== true &&
    step.tuple !== true &&
    step.focus === undefined &&
    step.index === undefined &&
    step.consarray !== true
  );
}

/** A record's own field (an inherited one reads as missing). */
function ownField(record: Record<string, unknown>, key: string): unknown {
  const value = record[key];
  return value === undefined || Object.hasOwn(record, key) ? value : undefined;
}

/** Whether a value is a single object whose fields a path step reads directly. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isFunctionValue(value);
}

/**
 * `quantity`, `customer.email`, `$a.first_name`: a path of plain field names (after an optional
 * variable). While every intermediate value is a single object, the general algorithm reduces
 * to reading own fields one after another (a missing object or a scalar gives nothing); arrays,
 * sequences and functions take the general path, `general`.
 */
function compileFieldChase(
  node: AstNode,
  steps: AstNode[],
  compiler: Compiler,
  general: Evaluator,
): Evaluator | undefined {
  if (node.keepSingletonArray === true || node.tuple === true || node.group !== undefined) return undefined;
  if (node.predicate !== undefined || node.keepArray === true) return undefined;
  const [first, ...rest] = steps;
  if (first === undefined || !steps.every(isPlainStep)) return undefined;
  if (first.type !== "name" && first.type !== "variable") return undefined;
  if (!rest.every((step) => step.type === "name")) return undefined;
  const start = first.type === "variable" ? compiler.compile(first) : undefined;
  const keys = (first.type === "name" ? steps : rest).map((step) => step.value as string);
  const countDepth = compiler.countDepth;
  const [onlyKey] = keys;
  if (start === undefined && keys.length === 1 && !countDepth) {
    // The most common shape, a single field of the context: no loop.
    const key = onlyKey!;
    return (input, frame) => {
      if (isRecord(input)) {
        const value = ownField(input, key);
        return Array.isArray(value) && (value as Sequence).sequence === true ? general(input, frame) : value;
      }
      return input === null || typeof input !== "object" ? undefined : general(input, frame);
    };
  }
  return (input, frame) => {
    // The general path nests one level deeper than the path (each step is a sub-expression).
    if (countDepth && frame.context.depth + 2 > frame.context.limits.maxDepth) return general(input, frame);
    let value: unknown;
    if (start === undefined) {
      value = input;
    } else {
      value = start(input, frame);
      if (!isRecord(value))
        return value === null || typeof value !== "object" ? undefined : general(input, frame);
    }
    for (const key of keys) {
      if (!isRecord(value))
        return value === null || typeof value !== "object" ? undefined : general(input, frame);
      value = ownField(value, key);
    }
    return isSequence(value) || isFunctionValue(value) ? general(input, frame) : value;
  };
}

interface SortTerm {
  evaluate: Evaluator;
  descending: boolean;
}

function unsupportedStep(): never {
  throw deopt();
}

function compileSortTerms(step: AstNode, compiler: Compiler): SortTerm[] {
  const terms = (step as AstNode & { terms?: { expression?: AstNode; descending?: boolean }[] }).terms ?? [];
  return terms.map((term) => {
    if (term.expression === undefined) throw new Unsupported("malformed sort term");
    return { evaluate: compiler.compile(term.expression), descending: term.descending === true };
  });
}

/** The reference's `evaluateSortExpression` and `fn.sort` (a stable merge sort), for a plain sequence. */
function evaluateSortStep(step: CompiledStep, terms: SortTerm[], input: unknown[], frame: Frame): unknown {
  // "Swap a and b": the reference's comparator, answering true only for comp === 1.
  const after = (a: unknown, b: unknown): boolean => {
    frame.context.tick();
    let comp = 0;
    for (let index = 0; comp === 0 && index < terms.length; index++) {
      const term = terms[index]!;
      const left = term.evaluate(a, frame);
      const right = term.evaluate(b, frame);
      const leftType = typeof left;
      const rightType = typeof right;
      if (leftType === "undefined") {
        comp = rightType === "undefined" ? 0 : 1;
        continue;
      }
      if (rightType === "undefined") {
        comp = -1;
        continue;
      }
      if (
        !(leftType === "string" || leftType === "number") ||
        !(rightType === "string" || rightType === "number")
      ) {
        throw deopt(); // T2008
      }
      if (leftType !== rightType) throw deopt(); // T2007
      if (left === right) continue;
      comp = (left as string | number) < (right as string | number) ? -1 : 1;
      if (term.descending) comp = -comp;
    }
    return comp === 1;
  };
  const mergeSort = (items: unknown[]): unknown[] => {
    if (items.length <= 1) return items;
    const middle = Math.floor(items.length / 2);
    const left = mergeSort(items.slice(0, middle));
    const right = mergeSort(items.slice(middle));
    const merged: unknown[] = [];
    let i = 0;
    let j = 0;
    while (i < left.length && j < right.length) {
      if (after(left[i], right[j])) merged.push(right[j++]);
      else merged.push(left[i++]);
    }
    for (; i < left.length; i++) merged.push(left[i]);
    for (; j < right.length; j++) merged.push(right[j]);
    return merged;
  };
  let result: unknown = input.length <= 1 ? input : mergeSort(input);
  for (const stage of step.stages) {
    if (stage.kind !== "filter") throw deopt();
    result = stage.filter(result, frame);
  }
  return result;
}

function evaluateStep(step: CompiledStep, input: unknown[], frame: Frame, lastStep: boolean): unknown {
  const context = frame.context;
  // The reference collects the step's values, then flattens them into a second sequence; one
  // pass gives the same sequence (the first value is kept for its last-step special case).
  const flattened = createSequence();
  let count = 0;
  let first: unknown;
  const length = input.length;
  for (let ii = 0; ii < length; ii++) {
    context.tick();
    let value = step.evaluate(input[ii], frame);
    for (const stage of step.stages) {
      if (stage.kind !== "filter") throw deopt();
      value = stage.filter(value, frame);
    }
    if (value === undefined) continue;
    if (count++ === 0) first = value;
    if (!Array.isArray(value) || (value as Sequence).cons) {
      flattened.push(value);
    } else {
      for (const inner of value) flattened.push(inner);
    }
  }
  context.checkSequence(flattened.length);
  if (lastStep && count === 1 && Array.isArray(first) && !isSequence(first)) return first;
  return flattened;
}

function evaluateTupleStep(
  step: CompiledStep,
  input: unknown[],
  tupleBindings: Tuple[] | undefined,
  frame: Frame,
): Tuple[] {
  const context = frame.context;
  let result: Sequence = createSequence();
  result.tupleStream = true;
  const bindings = tupleBindings ?? input.map((item) => ({ "@": item }));
  for (const binding of bindings) {
    context.tick();
    const stepFrame = frameFromTuple(frame, binding);
    let value = step.evaluate(binding["@"], stepFrame);
    if (value === undefined) continue;
    if (!Array.isArray(value)) value = [value];
    const values = value as Sequence;
    for (let bb = 0; bb < values.length; bb++) {
      const tuple: Tuple = Object.assign(nullObject(), binding);
      if (values.tupleStream) {
        Object.assign(tuple, values[bb]);
      } else {
        if (step.focus !== undefined) {
          tuple[step.focus] = values[bb];
          tuple["@"] = binding["@"];
        } else {
          tuple["@"] = values[bb];
        }
        if (step.index !== undefined) tuple[step.index] = bb;
      }
      result.push(tuple);
    }
  }
  context.checkSequence(result.length);
  for (const stage of step.stages) {
    if (stage.kind === "filter") {
      result = stage.filter(result, frame) as Sequence;
    } else {
      for (let ee = 0; ee < result.length; ee++) (result[ee] as Tuple)[stage.name] = ee;
    }
  }
  return result as Tuple[];
}

/** Compiles a predicate (`[…]`) into a filter over a sequence, as `evaluateFilter`. */
export function compileFilter(predicate: AstNode, compiler: Compiler): FilterEvaluator {
  if (predicate.type === "number" && typeof predicate.value === "number") {
    const wanted = Math.floor(predicate.value);
    return (input) => {
      let results: Sequence = createSequence();
      if ((input as Sequence | undefined)?.tupleStream) results.tupleStream = true;
      const items: unknown[] = Array.isArray(input) ? input : createSequence(input);
      const index = wanted < 0 ? items.length + wanted : wanted;
      const item = items[index];
      if (item !== undefined) {
        if (Array.isArray(item)) {
          results = item;
        } else {
          results.push(item);
        }
      }
      return results;
    };
  }
  const test = compiler.compile(predicate);
  return (input, frame) => {
    const results = createSequence();
    const tupleStream = (input as Sequence | undefined)?.tupleStream === true;
    if (tupleStream) results.tupleStream = true;
    const items: unknown[] = Array.isArray(input) ? input : createSequence(input);
    for (let index = 0; index < items.length; index++) {
      frame.context.tick();
      const item = items[index];
      let value: unknown;
      if (tupleStream) {
        value = test((item as Tuple)["@"], frameFromTuple(frame, item as Tuple));
      } else {
        value = test(item, frame);
      }
      if (isNumeric(value)) value = [value];
      if (isArrayOfNumbers(value)) {
        for (const position of value as number[]) {
          let at = Math.floor(position);
          if (at < 0) at = items.length + at;
          if (at === index) results.push(item);
        }
      } else if (toBoolean(value)) {
        results.push(item);
      }
    }
    return results;
  };
}
