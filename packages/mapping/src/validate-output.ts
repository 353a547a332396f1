import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { MappingError, MappingErrorCode } from "./errors";
import { describeValue } from "./functions/_fail";
import type { JsonSchema, MappingRule } from "./types";

/** One way an output breaks the mapping's output schema. */
export interface OutputIssue {
  /** JSON pointer into the output: `/order/lines/0/quantity`. */
  pointer: string;
  /** The rule that writes that field (`/rules/3`), when one does. */
  rule?: string;
  /** The JSON Schema keyword that failed (`type`, `required`, `format`, …). */
  keyword: string;
  /** What is wrong, e.g. `must be number (got "12.50")`. */
  message: string;
}

/** `MAPPING_OUTPUT_INVALID`: an output broke the output schema. `path` is the rule, `pointer` the field. */
export class MappingOutputError extends MappingError {
  /** JSON pointer into the output of the first issue. */
  readonly pointer: string;
  /** Every issue found. */
  readonly issues: readonly OutputIssue[];

  constructor(issues: readonly OutputIssue[]) {
    const [first] = issues as [OutputIssue, ...OutputIssue[]];
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
    super(MappingErrorCode.OUTPUT_INVALID, `${issueText(first)}${more}`, {
      path: first.rule ?? first.pointer,
    });
    this.pointer = first.pointer;
    this.issues = issues;
  }
}

/** `mapping rule /rules/2: output /total must be number (got "12.50")`. */
export function issueText(issue: OutputIssue): string {
  return `${issue.rule === undefined ? "mapping" : `mapping rule ${issue.rule}:`} output ${issue.pointer || "/"} ${issue.message}`;
}

let ajv: Ajv2020 | undefined;
const validators = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: JsonSchema): ValidateFunction {
  // Draft 2020-12 with formats; strict off because output schemas are often written by hand.
  ajv ??= addFormats(new Ajv2020({ allErrors: true, strict: false }));
  const key = typeof schema === "object" ? schema : { schema };
  let validate = validators.get(key);
  if (validate === undefined) {
    try {
      validate = ajv.compile(schema);
    } catch (error) {
      throw new MappingError(
        MappingErrorCode.OUTPUT_INVALID,
        `output schema is invalid: ${String((error as Error).message ?? error)}`,
        {
          path: "/outputSchema",
          cause: error,
        },
      );
    }
    validators.set(key, validate);
  }
  return validate;
}

/**
 * Checks an output against a JSON Schema (draft 2020-12) and says which rule wrote each bad
 * field. Returns no issues when the output is valid.
 *
 * @example
 * ```ts
 * validateOutput(
 *   { type: "object", properties: { total: { type: "number" } } },
 *   { total: "12.50" },
 *   [{ target: "total", from: "total_price" }],
 * );
 * // [{ pointer: "/total", rule: "/rules/0", keyword: "type", message: 'must be number (got "12.50")' }]
 * ```
 * @throws {MappingError} `MAPPING_OUTPUT_INVALID` at `/outputSchema` when the schema itself is invalid.
 */
export function validateOutput(
  schema: JsonSchema,
  output: unknown,
  rules: readonly MappingRule[] = [],
): OutputIssue[] {
  const validate = validatorFor(schema);
  if (validate(output)) return [];
  const patterns = rules.map((rule) => targetPattern(rule.target));
  return (validate.errors ?? []).map((error) => {
    const pointer = errorPointer(error);
    const rule = ruleFor(pointer, patterns);
    const issue: OutputIssue = {
      pointer,
      keyword: error.keyword,
      message: errorMessage(error, output, pointer),
    };
    if (rule !== undefined) issue.rule = `/rules/${rule}`;
    return issue;
  });
}

function errorPointer(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const child =
    error.keyword === "required"
      ? params.missingProperty
      : error.keyword === "additionalProperties"
        ? params.additionalProperty
        : undefined;
  return typeof child === "string" ? `${error.instancePath}/${escapePointer(child)}` : error.instancePath;
}

function escapePointer(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}

function errorMessage(error: ErrorObject, output: unknown, pointer: string): string {
  if (error.keyword === "required") return "is required but missing";
  if (error.keyword === "additionalProperties") return "is not allowed by the schema";
  return `${error.message ?? error.keyword} (got ${describeValue(valueAt(output, pointer))})`;
}

function valueAt(value: unknown, pointer: string): unknown {
  let current = value;
  for (const segment of pointer.split("/").slice(1)) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment.replaceAll("~1", "/").replaceAll("~0", "~")];
  }
  return current;
}

/** `order.lines[].sku` → `["order", "lines", "*", "sku"]`. */
function targetPattern(target: string): string[] {
  return target
    .split(".")
    .flatMap((segment) => (segment.endsWith("[]") ? [segment.slice(0, -2), "*"] : [segment]));
}

function matches(pattern: readonly string[], segments: readonly string[], length: number): boolean {
  for (let index = 0; index < length; index++) {
    const want = pattern[index];
    const got = segments[index] as string;
    if (want === "*" ? !/^\d+$/.test(got) : want !== got) return false;
  }
  return true;
}

/** The rule writing the field: the exact target, else the rule whose value contains it, else the first rule under it. */
function ruleFor(pointer: string, patterns: readonly string[][]): number | undefined {
  const segments =
    pointer === ""
      ? []
      : pointer
          .split("/")
          .slice(1)
          .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
  const exact = patterns.findIndex((p) => p.length === segments.length && matches(p, segments, p.length));
  if (exact !== -1) return exact;
  let best: number | undefined;
  patterns.forEach((p, index) => {
    if (
      p.length < segments.length &&
      matches(p, segments, p.length) &&
      (best === undefined || p.length > (patterns[best]?.length ?? 0))
    ) {
      best = index;
    }
  });
  if (best !== undefined) return best;
  const under = patterns.findIndex(
    (p) => p.length > segments.length && matches(p, segments, segments.length),
  );
  return under === -1 ? undefined : under;
}
