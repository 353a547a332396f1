/**
 * The fast path: compiles a JSONata AST into synchronous JavaScript closures that reproduce the
 * reference evaluator's semantics for a common subset (paths, tuple streams, filters, object and
 * array constructors, operators, conditions, blocks with variables, lambdas, built-in and
 * registered function calls). An expression using anything else is not compiled at all (the
 * reference runs it); at run time, anything unusual deopts one evaluation to the reference.
 * How it stays identical to the reference: docs/mapping-expressions.md, "The fast path".
 */
import { forEachAstNode } from "../ast-walk";
import type { JsonataFrame } from "../guards/jsonata-environment";
import type { AstNode, Compiler, FilterEvaluator } from "./ast";
import { Unsupported } from "./ast";
import { type AstFacts, astFacts } from "./ast-facts";
import { compileApply, compileCall, compileLambda } from "./calls";
import { generateEvaluator } from "./codegen";
import { compileBinary, compileCondition, compileGrouping, compileUnary } from "./operators";
import { compileFilter, compilePath, compilePathChase } from "./paths";
import {
  containsFastLambda,
  createSequence,
  deopt,
  type Evaluator,
  FastLambda,
  Frame,
  isFunctionValue,
  lookupField,
  normaliseSequence,
  RunContext,
  type RunLimits,
  type Sequence,
  UNBOUND,
} from "./runtime";

/** An expression compiled by the fast path. */
export interface FastProgram {
  /**
   * Evaluates synchronously. Throws `DEOPT` (or any JSONata-style error) when the reference
   * evaluator must decide, and `FastPathGuardError` when a guard of ours fired.
   * @param hot whether the expression is hot: then its code is generated (at the first hot
   * run) and runs wherever it can; otherwise the closures run (the cold tier, issue 21).
   */
  run(
    input: unknown,
    bindings: Record<string, unknown> | undefined,
    limits: RunLimits,
    hot: boolean,
  ): unknown;
}

/**
 * Compiles an AST, or returns `undefined` when it uses a construct the fast path does not
 * cover (the reference evaluator then runs the whole expression).
 */
export function compileFastPath(
  ast: unknown,
  functions: JsonataFrame,
  facts: AstFacts = astFacts(ast),
): FastProgram | undefined {
  const tree = ast as AstNode;
  const names = facts.boundNames;
  const build = (countDepth: boolean) => buildClosures(tree, functions, names, countDepth);
  const counting = build(true);
  if (counting === undefined) return undefined;
  // Walking every result for escaped lambdas costs ~8% on mapping-shaped expressions; skip it
  // when no lambda value can be read back (every lambda bound to a name only ever called).
  const checkLambdas = counting.usesLambdas && facts.lambdaMayEscape;
  // What follows is decided at the first hot run: a cold expression's compile is all it pays.
  // Without recursion no sub-expression is evaluated inside itself, so nesting never exceeds the
  // number of sub-expressions: below the depth limit, a variant that does not count runs. That
  // variant is one generated function (codegen.ts), built at the first hot run: generating
  // costs several times what parsing does, which a cold expression never earns back. The
  // closures remain for what it embeds and for expressions it does not generate.
  let uncountedShape: { nodeCount: number; canSkipDepth: boolean } | undefined;
  let uncounted: Evaluator | undefined;
  const generate = (): Evaluator => {
    const closures = build(false);
    if (closures === undefined) return counting.root;
    return generateEvaluator(tree, closures.compiler) ?? closures.root;
  };
  return {
    run(input, bindings, limits, hot) {
      let root = counting.root;
      if (hot) {
        uncountedShape ??= {
          nodeCount: countNodes(tree),
          canSkipDepth: !(counting.usesLambdas && mayRecurse(tree, functions, names)),
        };
        if (uncountedShape.canSkipDepth && uncountedShape.nodeCount < limits.maxDepth) {
          uncounted ??= generate();
          root = uncounted;
        }
      }
      const context = new RunContext(limits);
      const frame = new Frame(undefined, context);
      if (bindings !== undefined) {
        for (const key of Object.keys(bindings)) frame.bind(key, bindings[key]);
      }
      frame.bind("$", input);
      let rootInput = input;
      if (Array.isArray(input) && !(input as Sequence).sequence) {
        const wrapped = createSequence(input);
        wrapped.outerWrapper = true;
        rootInput = wrapped;
      }
      const result = root(rootInput, frame);
      // Our lambdas have no meaning outside; a result holding one is the reference's to build.
      if (checkLambdas && containsFastLambda(result)) throw deopt();
      return result;
    },
  };
}

/** The closure compiler over a tree, or `undefined` when the tree uses an unsupported construct. */
function buildClosures(
  tree: AstNode,
  functions: JsonataFrame,
  names: ReadonlySet<string>,
  countDepth: boolean,
): { root: Evaluator; usesLambdas: boolean; compiler: Compiler } | undefined {
  let usesLambdas = false;
  const compiler: Compiler = {
    functions,
    boundNames: names,
    countDepth,
    compile(node) {
      // A tail call, wrapped by the parser in a thunk the reference's trampoline unwraps in
      // place: evaluating the call directly gives the same value (without the constant stack).
      if (node.type === "lambda" && node.thunk === true && node.body !== undefined) {
        return compiler.compile(node.body);
      }
      if (node.type === "lambda") usesLambdas = true;
      const evaluator = finish(node, compileNode(node, compiler), compiler);
      // Field paths (`customer.email`) skip the path algorithm while their shape allows.
      return node.type === "path" ? (compilePathChase(node, compiler, evaluator) ?? evaluator) : evaluator;
    },
    compileFilter(predicate): FilterEvaluator {
      return compileFilter(predicate, compiler);
    },
  };
  try {
    return { root: compiler.compile(tree), usesLambdas, compiler };
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

/** A sub-expression compiled on its own, run from inside the reference evaluator. */
export interface FastSubexpression {
  /** Evaluates against the context `input`, with `names` bound to `values` (its free variables). */
  run(input: unknown, names: readonly string[], values: readonly unknown[], limits: RunLimits): unknown;
}

/**
 * Compiles a sub-expression without lambdas (so without recursion: its nesting is bounded by its
 * size) for {@link FastSubexpression.run}, or returns `undefined`.
 */
export function compileSubexpression(node: AstNode, functions: JsonataFrame): FastSubexpression | undefined {
  const built = buildClosures(node, functions, astFacts(node).boundNames, false);
  if (built === undefined || built.usesLambdas) return undefined;
  const root = generateEvaluator(node, built.compiler) ?? built.root;
  return {
    run(input, names, values, limits) {
      const frame = new Frame(undefined, new RunContext(limits));
      for (let index = 0; index < names.length; index++) frame.bind(names[index]!, values[index]);
      return root(input, frame);
    },
  };
}

function countNodes(ast: unknown): number {
  let count = 0;
  forEachAstNode(ast, (node) => {
    if ("type" in node) count++;
  });
  return count;
}

/**
 * Whether a lambda can be active while another (or the same) lambda is called: some call inside
 * a lambda body has a procedure that is not the plain name of a built-in or registered function
 * the expression leaves unbound. Lambdas never reach built-ins on the fast path (it deopts), so
 * otherwise lambda calls never nest.
 */
function mayRecurse(ast: AstNode, functions: JsonataFrame, bound: ReadonlySet<string>): boolean {
  const walk = (node: unknown, inLambda: boolean): boolean => {
    if (Array.isArray(node)) return node.some((item) => walk(item, inLambda));
    if (typeof node !== "object" || node === null) return false;
    const current = node as AstNode;
    if (inLambda && (current.type === "function" || current.type === "partial")) {
      const procedure = current.procedure;
      if (procedure?.type !== "variable" || typeof procedure.value !== "string") return true;
      if (bound.has(procedure.value) || functions.lookup(procedure.value) === undefined) return true;
    }
    const below = inLambda || current.type === "lambda";
    return Object.entries(current).some(
      ([key, child]) => key !== "value" && typeof child === "object" && walk(child, below),
    );
  };
  return walk(ast, false);
}

function compileNode(node: AstNode, compiler: Compiler): Evaluator {
  switch (node.type) {
    case "path":
      return compilePath(node, compiler);
    case "binary":
      return compileBinary(node, compiler);
    case "unary":
      return compileUnary(node, compiler);
    case "name": {
      const key = node.value as string;
      if (node.predicate !== undefined || node.keepArray === true) return (input) => lookupField(input, key);
      return (input) => normaliseSequence(lookupField(input, key), false);
    }
    case "string":
    case "number":
    case "value": {
      const value = node.value;
      return () => value;
    }
    case "wildcard":
      return (input, frame) => wildcard(input, frame);
    case "descendant":
      return (input, frame) => descendants(input, frame.context.limits.maxSequenceLength);
    case "condition":
      return compileCondition(node, compiler);
    case "block":
      return compileBlock(node, compiler);
    case "bind":
      return compileBind(node, compiler);
    case "variable":
      return compileVariable(node, compiler);
    case "function":
      return compileCall(node, compiler, undefined, node.predicate === undefined && node.keepArray !== true);
    case "lambda":
      return compileLambda(node, compiler);
    case "apply":
      return compileApply(node, compiler);
    default:
      // regex, sort, transform, partial, parent, …: the reference evaluator runs them
      throw new Unsupported(node.type);
  }
}

/** What the reference's `evaluate` does around every node: predicates and sequence unwrapping. */
function finish(node: AstNode, inner: Evaluator, compiler: Compiler): Evaluator {
  if (
    (node.group !== undefined || node.predicate !== undefined || node.keepArray === true) &&
    endsInThunk(node)
  ) {
    // The reference applies these to the thunk itself (a function value), before its trampoline
    // runs the call (issue 17: a group-by of `($substring(…))` in a lambda body saw a function).
    throw new Unsupported("a tail call's thunk grouped or filtered");
  }
  // A path groups inside its own evaluation (compilePath); any other node after its predicates.
  const grouping =
    node.type !== "path" && node.group !== undefined ? compileGrouping(node.group, compiler) : undefined;
  const predicates = (node.predicate ?? []).map((stage) => {
    if (stage.type !== "filter" || stage.expr === undefined) throw new Unsupported(`predicate ${stage.type}`);
    return compiler.compileFilter(stage.expr);
  });
  const keepArray = node.keepArray === true;
  // Calls, variables and field names unwrap their own results when nothing follows them.
  const inlined = INLINE_NORMALISED.has(node.type) && predicates.length === 0 && !keepArray;
  const normalise = !inlined && (predicates.length > 0 || keepArray || MAY_YIELD_SEQUENCE.has(node.type));
  if (!compiler.countDepth && !normalise && grouping === undefined) return inner;
  if (!compiler.countDepth && predicates.length === 0 && grouping === undefined) {
    return (input, frame) => normaliseSequence(inner(input, frame), keepArray);
  }
  return (input, frame) => {
    // Depth counts nested sub-expression evaluations, as the reference's `stack` option does.
    // Past the limit the reference decides: it fails with D1011, or succeeds where it turned a
    // tail call into a loop.
    const context = frame.context;
    if (compiler.countDepth) {
      context.depth++;
      if (context.depth > context.limits.maxDepth) throw deopt();
    }
    let result = inner(input, frame);
    for (const predicate of predicates) result = predicate(result, frame);
    if (grouping !== undefined) result = grouping(result, frame);
    if (compiler.countDepth) context.depth--;
    return normaliseSequence(result, keepArray);
  };
}

/** Whether the value of a block or condition can be a tail call's thunk (parser's tail_call_optimize). */
function endsInThunk(node: AstNode): boolean {
  if (node.type === "lambda") return node.thunk === true;
  if (node.type === "block") {
    const last = node.expressions?.[node.expressions.length - 1];
    return last !== undefined && endsInThunk(last);
  }
  if (node.type === "condition") {
    return (
      (node.then !== undefined && endsInThunk(node.then)) ||
      (node.else !== undefined && endsInThunk(node.else))
    );
  }
  return false;
}

/**
 * Node kinds whose value may be a sequence still to unwrap. The others return a constant, a
 * computed scalar, a constructed array or object, or the value of an already unwrapped
 * sub-expression. Blocks and conditions pass a sub-expression's value on, and unwrapping it
 * again matters when it is a sequence holding one sequence (a nested `$map`'s raw result: the
 * reference unwraps one level per node; issue 17).
 */
const INLINE_NORMALISED = new Set(["function", "variable", "name"]);

const MAY_YIELD_SEQUENCE = new Set([
  "path",
  "name",
  "variable",
  "function",
  "apply",
  "wildcard",
  "descendant",
  "block",
  "condition",
]);

function compileBlock(node: AstNode, compiler: Compiler): Evaluator {
  const expressions = (node.expressions ?? []).map((expression) => compiler.compile(expression));
  return (input, frame) => {
    const scope = new Frame(frame, frame.context);
    let result: unknown;
    for (const expression of expressions) result = expression(input, scope);
    return result;
  };
}

function compileBind(node: AstNode, compiler: Compiler): Evaluator {
  const target = node.lhs;
  if (target === undefined || Array.isArray(target) || target.type !== "variable" || node.rhs === undefined) {
    throw new Unsupported("malformed binding");
  }
  const name = target.value as string;
  const value = compiler.compile(node.rhs);
  return (input, frame) => {
    const result = value(input, frame);
    frame.bind(name, result);
    return result;
  };
}

function compileVariable(node: AstNode, compiler: Compiler): Evaluator {
  const name = node.value as string;
  // Unwrapped here unless a predicate or `[]` follows (then `finish` does it after them).
  const unwrap = node.predicate === undefined && node.keepArray !== true;
  if (name === "") {
    return (input) => {
      const value = (input as Sequence | undefined)?.outerWrapper ? (input as Sequence)[0] : input;
      return unwrap ? normaliseSequence(value, false) : value;
    };
  }
  return (_input, frame) => {
    const value = frame.lookup(name);
    if (value === UNBOUND) {
      // A built-in or registered function used as a value: the reference hands out its own
      // function object, which we cannot reproduce.
      if (compiler.functions.lookup(name) !== undefined) throw deopt();
      return undefined;
    }
    if (isFunctionValue(value) && !(value instanceof FastLambda)) throw deopt();
    return unwrap ? normaliseSequence(value, false) : value;
  };
}

/** The reference's `evaluateWildcard`. */
function wildcard(input: unknown, frame: Frame): unknown {
  let results: unknown = createSequence();
  let subject = input;
  if (Array.isArray(subject) && (subject as Sequence).outerWrapper && subject.length > 0)
    subject = subject[0];
  if (subject !== null && typeof subject === "object" && !isFunctionValue(subject)) {
    for (const key of Object.keys(subject)) {
      const value = (subject as Record<string, unknown>)[key];
      if (Array.isArray(value)) {
        const flat: unknown[] = [];
        flatten(value, flat);
        results = appendSequence(results, flat, frame);
      } else {
        // Counted as the reference's sequence counts each push (issue 17, point 6).
        frame.context.checkSequence((results as unknown[]).length + 1);
        (results as unknown[]).push(value);
      }
    }
  }
  return results;
}

function appendSequence(left: unknown, right: unknown[], frame: Frame): unknown {
  frame.context.checkSequence((left as unknown[]).length + right.length);
  return (left as unknown[]).concat(right);
}

function flatten(value: unknown, into: unknown[]): void {
  if (Array.isArray(value)) {
    for (const item of value) flatten(item, into);
  } else {
    into.push(value);
  }
}

/**
 * The reference's `evaluateDescendants`. Its sequence counts toward `maxSequenceLength` as the
 * reference's does (every value pushed, even when a later step keeps few of them): past the limit
 * the reference raises D2015, so the fast path hands over before building more (issue 17, point 6:
 * `$count(**.sku)` gave a count here and `MAPPING_SEQUENCE_TOO_LONG` off the fast path).
 */
function descendants(input: unknown, maxSequenceLength: number): unknown {
  if (input === undefined) return undefined;
  const results = createSequence();
  collectDescendants(input, results, maxSequenceLength);
  return results.length === 1 ? results[0] : results;
}

function collectDescendants(input: unknown, results: unknown[], limit: number): void {
  if (!Array.isArray(input)) {
    if (results.length >= limit) throw deopt();
    results.push(input);
  }
  if (Array.isArray(input)) {
    for (const member of input) collectDescendants(member, results, limit);
  } else if (input !== null && typeof input === "object" && !isFunctionValue(input)) {
    for (const key of Object.keys(input))
      collectDescendants((input as Record<string, unknown>)[key], results, limit);
  }
}
