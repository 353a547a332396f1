/**
 * What `compileExpression` decides from an expression's AST: which guards its reference
 * instances need, and whether its regular expressions run on the linear-time engine. One walk
 * over the AST (issue 21: seven walks, each allocating per node, cost a third of a parse), which
 * also collects the `&` nodes the reference's string guard rewrites.
 */
import { forEachAstNode } from "./ast-walk";
import { type AstFacts, astFactsCollector, finishAstFacts, noteAstFacts } from "./fast-path/ast-facts";
import { registeredFunctions } from "./function-registry";
import { libraryFunctions } from "./functions/index";
import { buildsRange } from "./guards/builtin-budgets";
import { restoreClonedRegexes } from "./guards/cloned-regexes";
import { type Concatenations, noteConcatenation } from "./guards/concat-guard";
import { listsSequenceKeys } from "./guards/hidden-sequence-push";
import { builtinFunction } from "./guards/jsonata-environment";
import { assertRegexRuns } from "./guards/regex-safety";

/** The guards an expression's reference instances need (see {@link analyseExpression}). */
export interface ReferenceNeeds {
  /** Whether it concatenates strings (`&`), which the wrapped built-ins do not check. */
  stringGuard: boolean;
  /** Whether it mentions `$eval`, whose text is parsed (and unguarded) at run time. */
  evaluatesText: boolean;
  /** Whether it builds ranges (`[a..b]`), which get a size check. */
  ranges: boolean;
  /**
   * Whether a host function may run: it may write into the values it gets (so it gets a copy
   * of the input) and may never settle (so a timer races it).
   */
  hostMayWrite: boolean;
  /** Whether it groups (`items{…}`, any object constructor), which writes into an empty input array. */
  groupsBy: boolean;
  /** Whether the expression (or a host function it calls) may list a sequence's keys. */
  sequenceKeys: boolean;
  /**
   * The names of the registered and guarded functions the expression can reach: each reference
   * instance binds only those (binding all of ~60 cost ~10 µs per instance, issue 21).
   * `undefined` (bind all) when it runs `$eval` text or a host function, which may reach any.
   */
  functionNames: ReadonlySet<string> | undefined;
  /**
   * Whether a `?:`/`??` may have copied a regex literal, which each parse must restore
   * (cloned-regexes.ts).
   */
  clonedRegexes: boolean;
  /** What the fast path's compile would otherwise walk the AST for (fast-path/ast-facts.ts). */
  fastPath: AstFacts;
}

/**
 * The {@link ReferenceNeeds} of a freshly parsed AST, whose cloned regex literals it restores.
 * @param found filled with the AST's `&` nodes, for the reference instance that adopts this
 * parse (its string guard then needs no walk of its own).
 * @throws {MappingError} `MAPPING_REGEX_UNSUPPORTED` or `MAPPING_REGEX_UNSAFE` for a regular
 * expression the linear-time engine cannot run, with its position.
 */
export function analyseExpression(ast: unknown, found?: Concatenations): ReferenceNeeds {
  let concatenates = false;
  let mentionsEval = false;
  let ranges = false;
  let groups = false;
  let listsKeys = false;
  let conditions = false;
  const regexes: Record<string, unknown>[] = [];
  const lambdas = new Set<string>();
  // Functions are reachable by name only (`$name(…)`, `$name` as a value, `$name(?, …)`).
  const names = new Set<string>();
  const calls: Record<string, unknown>[] = [];
  const facts = astFactsCollector();
  forEachAstNode(ast, (record, key, parent) => {
    if (key === "group") groups = true;
    // Property reads on AST nodes (dozens of shapes) are megamorphic: each is read only for
    // the node types it matters to.
    const type = record.type;
    noteAstFacts(record, type, key, parent, facts);
    if (type === "binary") {
      if (record.value === "&") concatenates = true;
      if (buildsRange(record)) ranges = true;
      if (found !== undefined) noteConcatenation(record, type, found);
    } else if (type === "apply") {
      if (found !== undefined) noteConcatenation(record, type, found);
    } else if (type === "variable" || type === "wildcard") {
      if (type === "variable") {
        if (record.value === "eval") mentionsEval = true;
        if (typeof record.value === "string") names.add(record.value);
      }
      if (listsSequenceKeys(record)) listsKeys = true;
    } else if (type === "unary") {
      // An object constructor is a group-by of its input too (`{"k": v}` on `[]`).
      if (record.value === "{") groups = true;
    } else if (type === "condition") {
      if (record.then !== undefined) conditions = true;
    } else if (type === "regex") {
      if (record.value instanceof RegExp) regexes.push(record);
    } else if (type === "bind") {
      if ((record.rhs as { type?: unknown } | undefined)?.type === "lambda") {
        const name = (record.lhs as { value?: unknown } | undefined)?.value;
        if (typeof name === "string") lambdas.add(name);
      }
    } else if (type === "function" || type === "partial") {
      calls.push(record);
    }
  });
  const clonedRegexes = regexes.length > 0 && conditions;
  if (clonedRegexes) restoreClonedRegexes(ast);
  // Regular expressions can only come from literals (or `$eval`, which `LinearRegExp` covers):
  // each must compile on the linear-time engine, or the expression is refused.
  for (const regex of regexes) {
    const pattern = regex.value as RegExp;
    assertRegexRuns(
      pattern.source,
      pattern.flags,
      typeof regex.position === "number" ? regex.position : undefined,
    );
  }
  const hostMayWrite = callsHostFunctions(calls, lambdas);
  return {
    stringGuard: concatenates,
    evaluatesText: mentionsEval,
    ranges,
    hostMayWrite,
    // `$eval` text may group too.
    groupsBy: groups || mentionsEval,
    sequenceKeys: listsKeys || hostMayWrite,
    functionNames: mentionsEval || hostMayWrite ? undefined : names,
    clonedRegexes,
    fastPath: finishAstFacts(facts),
  };
}

/**
 * Whether a call may reach a host function: a registered one, a name that is no JSONata
 * built-in (a function passed in the bindings), or any call through a computed procedure.
 */
function callsHostFunctions(
  calls: readonly Record<string, unknown>[],
  lambdas: ReadonlySet<string>,
): boolean {
  if (calls.length === 0) return false;
  const registered = new Set(registeredFunctions().map((fn) => fn.name));
  return calls.some((call) => {
    const procedure = call.procedure as Record<string, unknown> | undefined;
    if (procedure?.type !== "variable" || typeof procedure.value !== "string") return true;
    const name = procedure.value;
    // The library's own functions are pure and do not count.
    if (registered.has(name) && !LIBRARY_NAMES.has(name)) return true;
    return builtinFunction(name) === undefined && !lambdas.has(name);
  });
}

const LIBRARY_NAMES = new Set(libraryFunctions.map((fn) => fn.name));
