/**
 * The fast path per sub-expression: for an expression the fast path cannot compile whole (a
 * group-by, a parent `%`, a recursive lambda…), the reference evaluator still runs its
 * compilable parts fast. Each such part `X` of a reference instance's AST is replaced by a call
 * `$«fast k»(function() { X })` to a function registered under a name no expression can spell.
 * The function runs the compiled `X` synchronously; when that deopts (a case the fast path
 * leaves to the reference), it calls the lambda, and the reference evaluates `X` itself.
 */
import type jsonata from "jsonata";
import { MappingError } from "../errors";
import { GUARDED_FUNCTION } from "../guards/guarded-functions";
import { builtinFunction, type JsonataFrame } from "../guards/jsonata-environment";
import type { AstNode } from "./ast";
import { astFacts } from "./ast-facts";
import { ENVIRONMENT_BOUND } from "./calls";
import { compileSubexpression, type FastSubexpression } from "./compile";
import { FastPathGuardError, type RunLimits } from "./runtime";

/**
 * The binding that carries an evaluation's limits to the sub-expressions. Its name contains a
 * space, which no JSONata variable name can: expressions cannot read or shadow it.
 */
export const LIMITS_BINDING = "synapseops limits";

/** Smallest sub-expression (in AST nodes) worth a call: smaller ones cost less in the reference. */
const MIN_SIZE = 5;

const COMPILED_TYPES = new Set(["path", "unary", "binary", "condition", "function", "block", "apply"]);

const ROLE_KEYS = [
  "predicate",
  "stages",
  "group",
  "keepArray",
  "tuple",
  "focus",
  "index",
  "ancestor",
  "seekingParent",
  "consarray",
  "keepSingletonArray",
] as const;

/**
 * Rewrites a reference instance's AST as described above; returns how many sub-expressions now
 * run fast. Call before any other AST rewrite (the replaced parts keep theirs in the fallback).
 */
export function installFastSubexpressions(expression: jsonata.Expression, functions: JsonataFrame): number {
  const ast = expression.ast() as AstNode;
  const bound = astFacts(ast).boundNames;
  const values = namesUsedAsValues(ast);
  let count = 0;

  const replace = (node: AstNode): AstNode | undefined => {
    if (!eligible(node, bound, values, functions)) return undefined;
    const program = compileSubexpression(node, functions);
    if (program === undefined) return undefined;
    const name = `synapseops fast ${count++}`;
    expression.registerFunction(name, subexpressionFunction(program, freeNames(node), functions));
    // No position and a block as the procedure: the reference stamps the call's position and
    // procedure name on any error passing through a call, and X's own errors must keep theirs
    // (issue 17: positions changed off the fast path, and this name leaked into messages).
    return {
      type: "function",
      value: "(",
      arguments: [{ type: "lambda", arguments: [], body: node }],
      procedure: { type: "block", expressions: [{ type: "variable", value: name }] },
    };
  };

  const visit = (node: unknown, key: string, parent: AstNode | undefined): unknown => {
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index++) node[index] = visit(node[index], key, parent);
      return node;
    }
    if (typeof node !== "object" || node === null || node instanceof RegExp) return node;
    const current = node as AstNode;
    // A step's role in its path depends on what it is (a variable first step, a constructor).
    // A tail call's thunk is unwrapped by the reference's trampoline, which calls its procedure
    // with the caller's focus, not the lambda's: it stays as it is.
    const replaceable =
      !(key === "body" && parent?.type === "lambda" && parent.thunk === true) &&
      key !== "procedure" &&
      !(key === "lhs" && parent?.type === "bind") &&
      !(key === "steps" && current.type === "variable") &&
      !isShapeSensitive(current, key, parent);
    if (replaceable && typeof current.type === "string") {
      const replacement = replace(current);
      if (replacement !== undefined) return replacement;
    }
    for (const childKey of Object.keys(current)) {
      const child = (current as unknown as Record<string, unknown>)[childKey];
      if (childKey === "value" || typeof child !== "object" || child === null) continue;
      if (current.type === "lambda" && childKey === "arguments") continue;
      (current as unknown as Record<string, unknown>)[childKey] = visit(child, childKey, current);
    }
    return current;
  };
  visit(ast, "", undefined);
  return count;
}

function subexpressionFunction(
  program: FastSubexpression,
  names: string[],
  functions: JsonataFrame,
): (this: { environment: JsonataFrame; input: unknown }, fallback: unknown) => unknown {
  // A name that still means the function the compiled code resolved is left unbound.
  const own = names.map((name) => functions.lookup(name));
  return function fastSubexpression(fallback) {
    const environment = this.environment;
    const runFallback = (): unknown => (fallback as () => unknown)();
    const limits = environment.lookup(LIMITS_BINDING) as RunLimits | undefined;
    if (limits === undefined) return runFallback();
    const boundNames: string[] = [];
    const values: unknown[] = [];
    for (let index = 0; index < names.length; index++) {
      const value = environment.lookup(names[index]!);
      if (value !== undefined && sameFunction(value, own[index], names[index]!)) continue;
      boundNames.push(names[index]!);
      values.push(value);
    }
    try {
      return program.run(this.input, boundNames, values, limits);
    } catch (error) {
      if (error instanceof FastPathGuardError) throw error.mappingError;
      if (error instanceof MappingError) throw error;
      return runFallback();
    }
  };
}

function sameFunction(value: unknown, resolved: unknown, name: string): boolean {
  if (value === resolved) return true;
  const implementation = (fn: unknown) =>
    typeof fn === "object" && fn !== null ? (fn as { implementation?: unknown }).implementation : undefined;
  const own = implementation(value);
  if (own === undefined) return false;
  if (own === implementation(resolved)) return true;
  // The reference's budgeted `$string` (guarded-functions.ts) in place of the built-in the
  // compiled code calls, which checks the same budget itself.
  return (
    resolved === builtinFunction(name) && (own as { [GUARDED_FUNCTION]?: string })[GUARDED_FUNCTION] === name
  );
}

/**
 * Worth compiling on its own: an expression kind the fast path covers, without roles in a
 * path, big enough, without lambdas (no recursion, so no depth to count), without bindings
 * that would land in the enclosing frame, calling only functions nothing rebinds.
 */
/**
 * Variables the expression reads as values rather than calls (`x ~> (c ? $uppercase :
 * $lowercase)`, `$map(xs, $string)`). jsonata gives an error leaving a function applied that
 * way the position and name its latest direct call stamped on the function object (see
 * test/differential/call-sites.ts): a direct call of such a function must stay with the
 * reference, which stamps them (issue 17, seed 1207: 41 errors reported without a position).
 */
function namesUsedAsValues(ast: AstNode): Set<string> {
  const names = new Set<string>();
  const walk = (node: unknown, key: string): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item, key);
      return;
    }
    if (typeof node !== "object" || node === null || node instanceof RegExp) return;
    const current = node as AstNode;
    if (current.type === "variable" && key !== "procedure" && typeof current.value === "string")
      names.add(current.value);
    for (const [childKey, child] of Object.entries(current)) if (childKey !== "value") walk(child, childKey);
  };
  walk(ast, "");
  return names;
}

function eligible(
  node: AstNode,
  bound: ReadonlySet<string>,
  values: ReadonlySet<string>,
  functions: JsonataFrame,
): boolean {
  if (!COMPILED_TYPES.has(node.type) || ROLE_KEYS.some((key) => node[key] !== undefined)) return false;
  if (countNodes(node) < MIN_SIZE) return false;
  let ok = true;
  const walk = (current: unknown, inBlock: boolean): void => {
    if (!ok) return;
    if (Array.isArray(current)) {
      for (const item of current) walk(item, inBlock);
      return;
    }
    if (typeof current !== "object" || current === null) return;
    const child = current as AstNode;
    if (child.type === "lambda" || child.type === "partial" || child.type === "parent") ok = false;
    if (child.type === "bind" && !inBlock) ok = false;
    if (child.type === "function") {
      const procedure = child.procedure;
      const name = procedure?.type === "variable" ? procedure.value : undefined;
      if (
        typeof name !== "string" ||
        bound.has(name) ||
        values.has(name) ||
        ENVIRONMENT_BOUND.has(name) ||
        functions.lookup(name) === undefined
      ) {
        ok = false;
      }
    }
    if (child.type === "variable" && child.value === "eval") ok = false;
    const nested = inBlock || child.type === "block";
    for (const [key, value] of Object.entries(child)) {
      if (key !== "value" && typeof value === "object") walk(value, nested);
    }
  };
  walk(node, node.type === "block");
  return ok;
}

function countNodes(node: unknown): number {
  if (Array.isArray(node)) return node.reduce((sum: number, item) => sum + countNodes(item), 0);
  if (typeof node !== "object" || node === null) return 0;
  let count = "type" in node ? 1 : 0;
  for (const [key, child] of Object.entries(node)) {
    if (key !== "value" && typeof child === "object") count += countNodes(child);
  }
  return count;
}

/** The variables a sub-expression reads (except `$`, its context). */
function freeNames(node: unknown, names = new Set<string>()): string[] {
  const walk = (current: unknown): void => {
    if (Array.isArray(current)) {
      for (const item of current) walk(item);
      return;
    }
    if (typeof current !== "object" || current === null) return;
    const child = current as AstNode;
    if (child.type === "variable" && typeof child.value === "string" && child.value !== "") {
      names.add(child.value);
    }
    for (const [key, value] of Object.entries(child)) {
      if (key !== "value" && typeof value === "object") walk(value);
    }
  };
  walk(node);
  return [...names];
}

/**
 * Whether the reference reads this node's own kind, so that a call in its place would change
 * the result (issue 17): the right side of `~>` is applied as a chain when it is a call, and an
 * array constructor inside an array constructor is pushed whole, not flattened.
 */
export function isShapeSensitive(node: AstNode, key: string, parent: AstNode | undefined): boolean {
  if (key === "rhs" && parent?.type === "apply") return true;
  return (
    key === "expressions" &&
    parent?.type === "unary" &&
    parent.value === "[" &&
    node.type === "unary" &&
    node.value === "["
  );
}
