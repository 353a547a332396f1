/**
 * The fast path: compiles a JSONata AST into synchronous JavaScript closures that reproduce the
 * reference evaluator's semantics for a common subset (paths, tuple streams, filters, object and
 * array constructors, operators, conditions, blocks with variables, lambdas, built-in and
 * registered function calls). An expression using anything else is not compiled at all (the
 * reference runs it); at run time, anything unusual deopts one evaluation to the reference.
 * See ARCHITECTURE notes in docs/mapping-expressions.md.
 */
import type { JsonataFrame } from "../guards/jsonata-environment";
import type { AstNode, Compiler, FilterEvaluator } from "./ast";
import { Unsupported } from "./ast";
import { compileApply, compileCall, compileLambda } from "./calls";
import { compileBinary, compileCondition, compileUnary } from "./operators";
import { compileFilter, compilePath } from "./paths";
import {
  containsFastLambda,
  createSequence,
  DEOPT,
  type Evaluator,
  FastLambda,
  Frame,
  isFunctionValue,
  lookupField,
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
   */
  run(input: unknown, bindings: Record<string, unknown> | undefined, limits: RunLimits): unknown;
}

/**
 * Compiles an AST, or returns `undefined` when it uses a construct the fast path does not
 * cover (the reference evaluator then runs the whole expression).
 */
export function compileFastPath(ast: unknown, functions: JsonataFrame): FastProgram | undefined {
  let usesLambdas = false;
  const compiler: Compiler = {
    functions,
    compile(node) {
      // A tail call, wrapped by the parser in a thunk the reference's trampoline unwraps in
      // place: evaluating the call directly gives the same value (without the constant stack).
      if (node.type === "lambda" && node.thunk === true && node.body !== undefined) {
        return compiler.compile(node.body);
      }
      if (node.type === "lambda") usesLambdas = true;
      return finish(node, compileNode(node, compiler), compiler);
    },
    compileFilter(predicate): FilterEvaluator {
      return compileFilter(predicate, compiler);
    },
  };
  let root: Evaluator;
  try {
    root = compiler.compile(ast as AstNode);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  return {
    run(input, bindings, limits) {
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
      if (usesLambdas && containsFastLambda(result)) throw DEOPT;
      return result;
    },
  };
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
      return (input) => lookupField(input, key);
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
      return (input) => descendants(input);
    case "condition":
      return compileCondition(node, compiler);
    case "block":
      return compileBlock(node, compiler);
    case "bind":
      return compileBind(node, compiler);
    case "variable":
      return compileVariable(node, compiler);
    case "function":
      return compileCall(node, compiler);
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
  if (node.type !== "path" && node.group !== undefined) throw new Unsupported("group-by");
  const predicates = (node.predicate ?? []).map((stage) => {
    if (stage.type !== "filter" || stage.expr === undefined) throw new Unsupported(`predicate ${stage.type}`);
    return compiler.compileFilter(stage.expr);
  });
  const keepArray = node.keepArray === true;
  return (input, frame) => {
    // Depth counts nested sub-expression evaluations, as the reference's `stack` option does.
    // Past the limit the reference decides: it fails with D1011, or succeeds where it turned a
    // tail call into a loop.
    const context = frame.context;
    if (++context.depth > context.limits.maxDepth) throw DEOPT;
    let result = inner(input, frame);
    for (const predicate of predicates) result = predicate(result, frame);
    context.depth--;
    if (
      Array.isArray(result) &&
      (result as Sequence).sequence === true &&
      !(result as Sequence).tupleStream
    ) {
      const sequence = result as Sequence;
      if (keepArray) sequence.keepSingleton = true;
      if (sequence.length === 0) return undefined;
      if (sequence.length === 1) return sequence.keepSingleton ? sequence : sequence[0];
    }
    return result;
  };
}

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
  if (name === "") {
    return (input) => ((input as Sequence | undefined)?.outerWrapper ? (input as Sequence)[0] : input);
  }
  return (_input, frame) => {
    const value = frame.lookup(name);
    if (value === UNBOUND) {
      // A built-in or registered function used as a value: the reference hands out its own
      // function object, which we cannot reproduce.
      if (compiler.functions.lookup(name) !== undefined) throw DEOPT;
      return undefined;
    }
    if (isFunctionValue(value) && !(value instanceof FastLambda)) throw DEOPT;
    return value;
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

/** The reference's `evaluateDescendants`. */
function descendants(input: unknown): unknown {
  if (input === undefined) return undefined;
  const results = createSequence();
  collectDescendants(input, results);
  return results.length === 1 ? results[0] : results;
}

function collectDescendants(input: unknown, results: unknown[]): void {
  if (!Array.isArray(input)) results.push(input);
  if (Array.isArray(input)) {
    for (const member of input) collectDescendants(member, results);
  } else if (input !== null && typeof input === "object" && !isFunctionValue(input)) {
    for (const key of Object.keys(input))
      collectDescendants((input as Record<string, unknown>)[key], results);
  }
}
