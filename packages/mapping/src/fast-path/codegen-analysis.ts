/**
 * Static analysis for the code generator (codegen.ts): which names a sub-expression reads,
 * whether an expression's variables can be JavaScript locals, node sizes.
 */
import type { AstNode } from "./ast";

/** Keys that make a node more than a plain sub-expression; such nodes are embedded. */
export const ROLE_KEYS = [
  "predicate",
  "stages",
  "group",
  "keepArray",
  "tuple",
  "focus",
  "index",
  "ancestor",
  "seekingParent",
] as const;

export function isStringLiteral(node: AstNode | undefined): boolean {
  return node?.type === "string" && node.predicate === undefined && node.keepArray !== true;
}

/** The node without its path-step roles (the path code applies them). */
export function stripRoles(step: AstNode): AstNode {
  const { stages: _stages, index: _index, tuple: _tuple, ...plain } = step;
  return plain;
}

/** `$x := …` as a statement of a block: the bound name. */
export function bindTarget(node: AstNode): string | undefined {
  if (node.type !== "bind" || Array.isArray(node.lhs) || node.lhs?.type !== "variable") return undefined;
  if (node.rhs === undefined || ROLE_KEYS.some((key) => node[key] !== undefined)) return undefined;
  return typeof node.lhs.value === "string" ? node.lhs.value : undefined;
}

/** Keys in the order `Object.keys` gives them (integer-like keys first, ascending). */
export function orderedKeys(keys: string[]): string[] {
  const probe: Record<string, true> = Object.create(null);
  for (const key of keys) probe[key] = true;
  return Object.keys(probe);
}

/** Every variable name read anywhere under `node` (conservatively, shadowing ignored). */
export function freeNames(node: unknown, names = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const item of node) freeNames(item, names);
    return names;
  }
  if (typeof node !== "object" || node === null) return names;
  const current = node as AstNode;
  if (current.type === "variable" && typeof current.value === "string") names.add(current.value);
  if (typeof current.index === "string") names.add(current.index);
  if (typeof current.focus === "string") names.add(current.focus);
  for (const [key, child] of Object.entries(current)) {
    if (key !== "value" && typeof child === "object") freeNames(child, names);
  }
  return names;
}

/**
 * Whether every binding is a statement of a block, and no block reads a name before (or while)
 * binding it: then JSONata's frames and JS locals resolve every name alike.
 */
export function variablesAreStatic(tree: AstNode): boolean {
  let ok = true;
  const walk = (node: unknown, parent: AstNode | undefined): void => {
    if (!ok) return;
    if (Array.isArray(node)) {
      for (const item of node) walk(item, parent);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const current = node as AstNode;
    if (current.type === "bind" && (parent?.type !== "block" || bindTarget(current) === undefined)) {
      ok = false;
      return;
    }
    if (current.type === "block") {
      const seen = new Set<string>();
      const statements = current.expressions ?? [];
      const targets = new Set(statements.map(bindTarget).filter((name) => name !== undefined));
      for (const statement of statements) {
        const target = bindTarget(statement);
        const read = freeNames(target === undefined ? statement : statement.rhs);
        for (const name of read) if (targets.has(name) && !seen.has(name)) ok = false;
        if (target !== undefined) seen.add(target);
      }
    }
    for (const [key, child] of Object.entries(current)) {
      if (key !== "value" && typeof child === "object") walk(child, current);
    }
  };
  walk(tree, undefined);
  return ok;
}

/** Size and lambda presence per node, memoised: `gen` asks at every node (linear, not quadratic). */
const shapes = new WeakMap<object, { size: number; lambda: boolean }>();

function shape(node: unknown): { size: number; lambda: boolean } {
  if (typeof node !== "object" || node === null) return { size: 0, lambda: false };
  const known = shapes.get(node);
  if (known !== undefined) return known;
  const result = { size: Array.isArray(node) || !("type" in node) ? 0 : 1, lambda: false };
  if (!Array.isArray(node) && (node as AstNode).type === "lambda") result.lambda = true;
  for (const [key, child] of Object.entries(node)) {
    if (key === "value" || typeof child !== "object") continue;
    const inner = shape(child);
    result.size += inner.size;
    result.lambda ||= inner.lambda;
  }
  shapes.set(node, result);
  return result;
}

export function countNodes(node: unknown): number {
  return shape(node).size;
}

export function containsLambda(node: unknown): boolean {
  return shape(node).lambda;
}
