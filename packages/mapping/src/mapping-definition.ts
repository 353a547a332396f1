import { MappingError, MappingErrorCode } from "./errors";
import { compileExpression } from "./expression";
import { type CompiledRules, compileRules, type RuleSpan } from "./rules";
import type { LookupTables, MappingDefinition, MappingRule } from "./types";
import { MappingOutputError, validateOutput } from "./validate-output";

/** Options of {@link compileMappingDefinition}: those of `compileExpression` (limits, fast path). */
export type CompileMappingOptions = NonNullable<Parameters<typeof compileExpression>[1]>;

/** A mapping definition compiled once and evaluated many times. */
export interface CompiledMapping {
  /** The JSONata expression evaluated (compiled from the rules, or the definition's own). */
  readonly source: string;
  /** The rules, when the definition has rules. */
  readonly rules: readonly MappingRule[] | undefined;
  /**
   * Maps one input. Rule failures become `MAPPING_RULE_INVALID` at the rule
   * (`/rules/3/transforms/0`); an output breaking the output schema is a `MappingOutputError`.
   */
  evaluate(input: unknown): Promise<unknown>;
}

/**
 * Compiles a mapping definition: rules (or its raw expression) to one JSONata expression, the
 * lookup tables bound to `$lookups`, and the output checked against `outputSchema` when given.
 *
 * @example
 * ```ts
 * const mapping = compileMappingDefinition({
 *   rules: [{ target: "status", from: "financial_status", transforms: [{ fn: "lookup", args: ["status"] }] }],
 *   lookups: { status: { paid: "PAID", refunded: "REVERSED" } },
 *   outputSchema: { type: "object", required: ["status"] },
 * });
 * await mapping.evaluate({ financial_status: "paid" }); // { status: "PAID" }
 * ```
 * @throws {MappingError} `MAPPING_RULE_INVALID` for a bad definition or rule, `MAPPING_SYNTAX` for a bad expression.
 */
export function compileMappingDefinition(
  definition: MappingDefinition,
  options?: CompileMappingOptions,
): CompiledMapping {
  if (typeof definition !== "object" || definition === null) {
    throw new MappingError(MappingErrorCode.RULE_INVALID, "a mapping definition must be an object");
  }
  const { rules, expression, lookups = {}, outputSchema } = definition;
  if ((rules === undefined) === (expression === undefined)) {
    throw new MappingError(
      MappingErrorCode.RULE_INVALID,
      'a mapping gives exactly one of "rules" and "expression"',
    );
  }
  checkLookups(lookups, rules ?? []);
  const compiled: CompiledRules =
    rules === undefined ? { source: expression as string, spans: [] } : compileRules(rules);
  const executable = compileExpression(compiled.source, options);
  const bindings = { lookups };
  return {
    source: compiled.source,
    rules,
    async evaluate(input) {
      let output: unknown;
      try {
        output = await executable.evaluate(input, bindings);
      } catch (error) {
        throw locateRuleError(error, compiled.spans, rules ?? []);
      }
      if (outputSchema !== undefined) {
        const issues = validateOutput(outputSchema, output, rules);
        if (issues.length > 0) throw new MappingOutputError(issues);
      }
      return output;
    },
  };
}

function checkLookups(lookups: LookupTables, rules: readonly MappingRule[]): void {
  if (typeof lookups !== "object" || lookups === null || Array.isArray(lookups)) {
    throw new MappingError(MappingErrorCode.RULE_INVALID, "lookups must be an object of tables", {
      path: "/lookups",
    });
  }
  rules.forEach((rule, index) => {
    (rule?.transforms ?? []).forEach((transform, position) => {
      if (typeof transform !== "object" || transform?.fn !== "lookup") return;
      const table = transform.args?.[0];
      if (typeof table === "string" && !Object.hasOwn(lookups, table)) {
        throw new MappingError(
          MappingErrorCode.RULE_INVALID,
          `mapping rule /rules/${index}: lookup table "${table}" is not in the mapping's lookups (${Object.keys(lookups).join(", ") || "none"})`,
          { path: `/rules/${index}/transforms/${position}/args/0` },
        );
      }
    });
  });
}

const LIBRARY_FAILURE = /^([a-z_0-9]+) got /;

/**
 * Turns an evaluation failure into one that names the rule. The engine reports where in the
 * expression it failed; the spans say which rule (and which transform) wrote that text.
 */
export function locateRuleError(
  error: unknown,
  spans: readonly RuleSpan[],
  rules: readonly MappingRule[],
): unknown {
  if (!(error instanceof MappingError) || spans.length === 0) return error;
  if (error.code !== MappingErrorCode.RUNTIME) return error;
  const inner = innermost(error);
  const position = error.position ?? (inner as { position?: number }).position;
  let path = position === undefined ? undefined : spanAt(spans, position - 1);
  const library = LIBRARY_FAILURE.exec(inner.message);
  if (path === undefined && library !== null) path = onlyRuleUsing(rules, library[1] as string);
  if (path === undefined) return error;
  const rule = path.split("/").slice(0, 3).join("/");
  // Library messages already say what failed ("to_float got …"); engine messages keep their wording.
  const what =
    library !== null ? inner.message : inner.message.replace(/^expression failed at position \d+: /, "");
  return new MappingError(MappingErrorCode.RULE_INVALID, `mapping rule ${rule}: ${what}`, {
    path,
    jsonataCode: error.jsonataCode,
    position: error.position,
    cause: error,
  });
}

function innermost(error: MappingError): Error {
  let current: Error = error;
  while (current.cause instanceof Error) current = current.cause;
  return current;
}

/** The narrowest span containing the offset. */
function spanAt(spans: readonly RuleSpan[], offset: number): string | undefined {
  let best: RuleSpan | undefined;
  for (const span of spans) {
    if (
      offset >= span.start &&
      offset < span.end &&
      (best === undefined || span.end - span.start < best.end - best.start)
    ) {
      best = span;
    }
  }
  return best?.path;
}

function onlyRuleUsing(rules: readonly MappingRule[], fn: string): string | undefined {
  const uses: string[] = [];
  rules.forEach((rule, index) => {
    (rule.transforms ?? []).forEach((transform, position) => {
      if ((typeof transform === "string" ? transform : transform.fn) === fn)
        uses.push(`/rules/${index}/transforms/${position}`);
    });
  });
  return uses.length === 1 ? uses[0] : undefined;
}
