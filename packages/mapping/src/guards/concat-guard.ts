/**
 * The reference evaluator's string-growth guard for `&` (issue 17): jsonata's `&` has no place
 * to be checked, and repeated doubling reaches V8's string limit (and a gigabyte of memory) in
 * 30 steps. Each `a & b` node is turned, in place, into a call of one native function that
 * concatenates exactly as jsonata does and refuses a result over `maxOutputSize`.
 *
 * One call per `&` costs the first evaluation about what jsonata's own `&` costs (issue 21: a
 * guard call wrapped around the unchanged `&` doubled it). The nodes to turn are found by the
 * compile's single AST walk (`analyseExpression`), so the instance that adopts that parse needs
 * no walk of its own; other instances collect them with {@link findConcatenations}.
 */
import type jsonata from "jsonata";
import { forEachAstNode } from "../ast-walk";
import { MappingError, MappingErrorCode } from "../errors";
import { ROLE_KEYS } from "../fast-path/codegen-analysis";
import { builtinFunction } from "./jsonata-environment";

/**
 * The name the guard is registered under. It contains a space, which JSONata's tokenizer never
 * puts in a name: no expression can call, rebind or shadow it.
 */
export const STRING_GUARD_NAME = "synapseops guard string";

/** The `&` nodes of one parse, found by a walk over its AST (see {@link noteConcatenation}). */
export interface Concatenations {
  /** Every `&` node. */
  readonly nodes: Record<string, unknown>[];
  /** Those that are the right side of `~>` (they must stay values: see {@link guardConcatenations}). */
  applied: Set<unknown> | undefined;
}

/** An empty {@link Concatenations} for a walk to fill. */
export function concatenations(): Concatenations {
  return { nodes: [], applied: undefined };
}

/**
 * Records `record` in `found` when it is an `&` node, or the `~>` whose right side is one; a
 * walk calls it for every node (the compile's walk reads `type` once and passes it).
 */
export function noteConcatenation(
  record: Record<string, unknown>,
  type: unknown,
  found: Concatenations,
): void {
  if (type === "binary") {
    if (record.value === "&") found.nodes.push(record);
  } else if (type === "apply") {
    const rhs = record.rhs as { type?: unknown; value?: unknown } | undefined;
    if (rhs?.type === "binary" && rhs.value === "&") {
      found.applied ??= new Set();
      found.applied.add(rhs);
    }
  }
}

/** The {@link Concatenations} of an AST no compile walk has seen (another parse of the source). */
export function findConcatenations(ast: unknown): Concatenations {
  const found = concatenations();
  forEachAstNode(ast, (node) => noteConcatenation(node, node.type, found));
  return found;
}

/**
 * Turns every `a & b` of a reference instance into `$«guard»(a, b)`: the guard converts and
 * concatenates its operands as jsonata's `&` does (same `$string` conversion, same D3001 with
 * the `&`'s position and token) and throws `MAPPING_OUTPUT_TOO_LARGE` for a result over
 * `maxOutputSize`. The node is changed in place (a call of one level, as the `&` was: depth
 * counts stay jsonata's), so a walk's list of nodes stays valid whatever else rewrote their
 * parents. Returns `false` when some `&` could not be rewritten (it carries a path-step role);
 * the caller then installs the exit hook instead.
 *
 * @param found the instance's `&` nodes, when a walk of this very parse collected them.
 */
export function guardConcatenations(
  expression: jsonata.Expression,
  maxOutputSize: number,
  found: Concatenations = findConcatenations(expression.ast()),
): boolean {
  expression.registerFunction(STRING_GUARD_NAME, guardedConcat(maxOutputSize));
  let complete = true;
  for (const node of found.nodes) {
    // Already turned (a node the walk reached twice), or not an `&` any more.
    if (node.type !== "binary" || node.value !== "&") continue;
    if (ROLE_KEYS.some((key) => key in node)) {
      complete = false;
      continue;
    }
    const position = node.position;
    const call = {
      type: "function",
      value: "(",
      position,
      arguments: [node.lhs, node.rhs],
      procedure: { type: "variable", value: STRING_GUARD_NAME, position },
    };
    // `x ~> a & b` must stay a non-function right side (T2006): a call there would be applied
    // with `x` as its first argument. A block keeps it a value. Falling back to the exit hook
    // instead added an await to every sub-expression, which reorders the branches jsonata runs
    // concurrently and so changes which call site's position an error reports (issue 17).
    // The operands now live in the call only: a later walk must not reach them twice.
    const turned = found.applied?.has(node) ? { type: "block", value: undefined, expressions: [call] } : call;
    Object.assign(node, turned, { lhs: undefined, rhs: undefined });
  }
  return complete;
}

/** jsonata's `$string` (what its `&` applies to operands that are not strings). */
let toText: ((value: unknown) => string) | undefined;

/** The guard's implementation: jsonata's `&` (`evaluateStringConcat`), then the size check. */
function guardedConcat(maxOutputSize: number): (lhs: unknown, rhs: unknown) => string {
  toText ??= builtinFunction("string")?.implementation as (value: unknown) => string;
  const text = toText;
  return (lhs, rhs) => {
    let result: string;
    try {
      result =
        (lhs === undefined ? "" : typeof lhs === "string" ? lhs : text(lhs)) +
        (rhs === undefined ? "" : typeof rhs === "string" ? rhs : text(rhs));
    } catch (error) {
      // jsonata's `&` names itself in what `$string` throws (D3001 for NaN and infinities);
      // the call's position is already the `&`'s.
      if (typeof error === "object" && error !== null && !("token" in error)) {
        (error as { token?: string }).token = "&";
      }
      throw error;
    }
    if (result.length > maxOutputSize) {
      throw new MappingError(
        MappingErrorCode.OUTPUT_TOO_LARGE,
        `expression built a string of ${result.length} characters, over the output limit of ${maxOutputSize}`,
      );
    }
    return result;
  };
}
