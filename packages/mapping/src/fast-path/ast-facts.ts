/**
 * What the fast path's compile learns from a whole AST before it compiles any node: the names the
 * expression binds, and whether a lambda value can escape into a result. The compile's analysis
 * walk (expression-analysis.ts) collects them as it visits each node, so building the fast path
 * needs no walk of its own (issue 21: two more walks were a tenth of compiling and evaluating a
 * mapping once); a sub-tree compiled on its own is walked here.
 */
import { forEachAstNode } from "../ast-walk";
import type { AstNode } from "./ast";

/** See the module comment. */
export interface AstFacts {
  /** Every name the expression binds: `:=` targets, lambda parameters, `#$i` and `@$x` names. */
  readonly boundNames: ReadonlySet<string>;
  /**
   * Whether a lambda value could end up in a result: true unless every (non-thunk) lambda is
   * the right side of a binding `$name := function…` and every use of those names is a call
   * `$name(…)`.
   */
  readonly lambdaMayEscape: boolean;
}

/** What a walk has seen so far (see {@link noteAstFacts}). */
export interface AstFactsCollector {
  readonly boundNames: Set<string>;
  /** Names bound to a lambda by `:=`. */
  readonly lambdaNames: Set<string>;
  /** Names read as values (not called, not assigned). */
  readonly valueUses: Set<string>;
  escapes: boolean;
}

/** An empty {@link AstFactsCollector} for a walk to fill. */
export function astFactsCollector(): AstFactsCollector {
  return { boundNames: new Set(), lambdaNames: new Set(), valueUses: new Set(), escapes: false };
}

/**
 * Records what `node` tells; a walk calls it for every node with the key it was reached through
 * and the node holding that key (the analysis walk reads `type` once and passes it).
 */
export function noteAstFacts(
  node: Record<string, unknown>,
  type: unknown,
  key: string,
  parent: Record<string, unknown> | undefined,
  into: AstFactsCollector,
): void {
  const current = node as unknown as AstNode;
  if (type === "variable") {
    if (typeof current.value === "string" && key !== "procedure" && key !== "lhs") {
      into.valueUses.add(current.value);
    }
  } else if (type === "bind") {
    if (!Array.isArray(current.lhs) && typeof current.lhs?.value === "string") {
      into.boundNames.add(current.lhs.value);
    }
  } else if (type === "lambda") {
    for (const param of current.arguments ?? []) {
      if (typeof param.value === "string") into.boundNames.add(param.value);
    }
    if (current.thunk !== true) {
      const binding = parent as AstNode | undefined;
      const bound =
        binding?.type === "bind" && key === "rhs" && !Array.isArray(binding.lhs) ? binding.lhs : undefined;
      if (bound?.type === "variable" && typeof bound.value === "string") into.lambdaNames.add(bound.value);
      else into.escapes = true;
    }
  }
  if (typeof current.index === "string") into.boundNames.add(current.index);
  if (typeof current.focus === "string") into.boundNames.add(current.focus);
}

/** The {@link AstFacts} a walk collected. */
export function finishAstFacts(collected: AstFactsCollector): AstFacts {
  let escapes = collected.escapes;
  for (const name of collected.lambdaNames) if (collected.valueUses.has(name)) escapes = true;
  return { boundNames: collected.boundNames, lambdaMayEscape: escapes };
}

/** The {@link AstFacts} of a tree no analysis walk has seen (a sub-expression). */
export function astFacts(ast: unknown): AstFacts {
  const collected = astFactsCollector();
  forEachAstNode(ast, (node, key, parent) => noteAstFacts(node, node.type, key, parent, collected));
  return finishAstFacts(collected);
}
