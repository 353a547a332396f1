import jsonata from "jsonata";
import { decompile } from "./decompile";
import { MappingError, type MappingErrorCode } from "./errors";
import { compileExpression } from "./expression";
import { compileMappingDefinition } from "./mapping-definition";
import { ruleValueText } from "./rules";
import { buildTargetTree, type LeafNode, type ObjectNode } from "./rules-tree";
import type { MappingDefinition, MappingRule, Transform } from "./types";

/** The value after one transform of a rule. */
export interface ExplainedStep {
  /** The transform as written in the rule: `to_float`, `round(2)`, `lookup(status)`, `default`. */
  transform: string;
  /** Its rule path: `/rules/3/transforms/0`, or `/rules/3/default`. */
  path: string;
  value: unknown;
}

/** How one target field got its value. */
export interface ExplainedField {
  /** The target with array indexes: `order.lines[0].sku`. */
  target: string;
  /** JSON pointer into the output: `/order/lines/0/sku`. */
  pointer: string;
  /** The rule path: `/rules/3`. */
  rule: string;
  /** Source paths read, with array indexes: `line_items[0].sku`. */
  sources: string[];
  /** The value read (or computed by `expr`, or the constant) before transforms. */
  input: unknown;
  /** Each transform's intermediate value, in order (and the default when the rule has one). */
  steps: ExplainedStep[];
  /** False when `when` did not hold or the final value is missing: the field is not written. */
  written: boolean;
  /** The final value. */
  value: unknown;
  /** The failure, when a step failed (later steps are not run). */
  error?: string;
}

/** What {@link explain} returns: one entry per target field, and the mapping's whole output. */
export interface Explanation {
  fields: ExplainedField[];
  /** The mapping's output for this input (undefined when it failed). */
  output: unknown;
  /** Why the whole mapping failed, when it did. */
  error?: string;
  /** The `MappingError` code of that failure (`MAPPING_TIMEOUT`…), when it was one. */
  errorCode?: MappingErrorCode;
}

/**
 * Explains a mapping on one input: for every target field, the rule, the source paths read,
 * each transform's intermediate value and the final value. A raw-expression mapping is
 * explained through {@link decompile}; parts rules cannot express show as single `expr` steps.
 *
 * @example
 * ```ts
 * const { fields } = await explain(
 *   { rules: [{ target: "total", from: "amount", transforms: ["to_float", { fn: "round", args: [1] }] }] },
 *   { amount: "12.46" },
 * );
 * // fields[0]: { target: "total", sources: ["amount"], input: "12.46",
 * //   steps: [{ transform: "to_float", value: 12.46 }, { transform: "round(1)", value: 12.5 }], value: 12.5, … }
 * ```
 */
export async function explain(mapping: MappingDefinition, input: unknown): Promise<Explanation> {
  const rules = mapping.rules ?? rulesOf(mapping.expression ?? "");
  const bindings = { lookups: mapping.lookups ?? {} };
  const fields: ExplainedField[] = [];
  if (rules !== undefined)
    await explainObject(
      buildTargetTree(rules),
      { text: "", target: "", pointer: "" },
      input,
      bindings,
      fields,
    );
  const explanation: Explanation = { fields, output: undefined };
  try {
    explanation.output = plain(await compileMappingDefinition(mapping).evaluate(input));
  } catch (error) {
    explanation.error = error instanceof Error ? error.message : String(error);
    if (error instanceof MappingError) explanation.errorCode = error.code;
  }
  return explanation;
}

function rulesOf(expression: string): MappingRule[] | undefined {
  try {
    return decompile(expression);
  } catch {
    return [{ target: "(expression)", expr: expression }];
  }
}

/** Where we are: the JSONata path to the current source element, and the target written. */
interface Context {
  text: string;
  target: string;
  pointer: string;
}

type Bindings = Record<string, unknown>;

async function evaluateIn(
  context: Context,
  expression: string,
  input: unknown,
  bindings: Bindings,
): Promise<unknown> {
  const text = context.text === "" ? expression : `${context.text}.(${expression})`;
  return plain(await compileExpression(text).evaluate(input, bindings));
}

async function explainObject(
  node: ObjectNode,
  context: Context,
  input: unknown,
  bindings: Bindings,
  out: ExplainedField[],
): Promise<void> {
  for (const [name, child] of node.fields) {
    const target = context.target === "" ? name : `${context.target}.${name}`;
    const pointer = `${context.pointer}/${name.replaceAll("~", "~0").replaceAll("/", "~1")}`;
    if (child.kind === "leaf")
      out.push(await explainLeaf(child, { ...context, target, pointer }, input, bindings));
    else if (child.kind === "object")
      await explainObject(child, { ...context, target, pointer }, input, bindings, out);
    else {
      const count = Number(
        await evaluateIn(context, `$count(${child.source})`, input, bindings).catch(() => 0),
      );
      for (let index = 0; index < count; index++) {
        const element = `${child.source}[${index}]`;
        await explainObject(
          child.element,
          {
            text: context.text === "" ? element : `${context.text}.${element}`,
            target: `${target}[${index}]`,
            pointer: `${pointer}/${index}`,
          },
          input,
          bindings,
          out,
        );
      }
    }
  }
}

function transformLabel(transform: Transform): string {
  if (typeof transform === "string") return transform;
  const args = (transform.args ?? []).map((arg) =>
    transform.fn === "lookup" ? String(arg) : JSON.stringify(arg),
  );
  return args.length === 0 ? transform.fn : `${transform.fn}(${args.join(", ")})`;
}

async function explainLeaf(
  leaf: LeafNode,
  context: Context,
  input: unknown,
  bindings: Bindings,
): Promise<ExplainedField> {
  const { rule, index } = leaf;
  const field: ExplainedField = {
    target: context.target,
    pointer: context.pointer,
    rule: `/rules/${index}`,
    sources: sourcePaths(leaf, context),
    input: undefined,
    steps: [],
    written: false,
    value: undefined,
  };
  const bare: MappingRule = { ...rule, transforms: [], default: undefined, when: undefined };
  try {
    if (rule.when !== undefined && !(await evaluateIn(context, `$boolean(${rule.when})`, input, bindings)))
      return field;
    field.input = await evaluateIn(context, ruleValueText(bare, leaf.base, index), input, bindings);
    let value = field.input;
    const transforms = rule.transforms ?? [];
    for (let position = 0; position < transforms.length; position++) {
      const partial = { ...bare, transforms: transforms.slice(0, position + 1) };
      value = await evaluateIn(context, ruleValueText(partial, leaf.base, index), input, bindings);
      field.steps.push({
        transform: transformLabel(transforms[position] as Transform),
        path: `/rules/${index}/transforms/${position}`,
        value,
      });
    }
    if (rule.default !== undefined) {
      value = await evaluateIn(
        context,
        ruleValueText({ ...rule, when: undefined }, leaf.base, index),
        input,
        bindings,
      );
      field.steps.push({ transform: "default", path: `/rules/${index}/default`, value });
    }
    field.value = value;
    field.written = value !== undefined;
  } catch (error) {
    field.error = error instanceof MappingError ? error.message : String(error);
  }
  return field;
}

/** Source paths a rule reads, with the array indexes of the current element. */
function sourcePaths(leaf: LeafNode, context: Context): string[] {
  const { rule } = leaf;
  const texts = [rule.const !== undefined ? undefined : leaf.base, rule.when].filter(
    (text): text is string => text !== undefined,
  );
  const paths = new Set<string>();
  for (const text of texts) {
    for (const path of pathsIn(text)) {
      if (path.startsWith("$$.")) paths.add(path.slice(3));
      else paths.add(context.text === "" ? path : `${context.text}.${path}`);
    }
  }
  return [...paths];
}

/** The leading name steps of every path in an expression (`items.price` in `$sum(items.price)`). */
function pathsIn(expression: string): string[] {
  let ast: unknown;
  try {
    ast = jsonata(expression).ast();
  } catch {
    return [];
  }
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const record = node as Record<string, unknown>;
    if (record.type === "path" && Array.isArray(record.steps)) {
      const steps = record.steps as Record<string, unknown>[];
      const root = steps[0]?.type === "variable" && steps[0]?.value === "$";
      const names: string[] = [];
      for (const step of steps.slice(root ? 1 : 0)) {
        if (step.type !== "name") break;
        names.push(String(step.value));
      }
      if (names.length > 0) found.push(`${root ? "$$." : ""}${names.join(".")}`);
    } else if (record.type === "name") {
      found.push(String(record.value));
    }
    for (const [key, value] of Object.entries(record)) {
      // A path's own name steps are what was recorded above; their filters may read more.
      if (record.type === "path" && key === "steps") {
        for (const step of value as Record<string, unknown>[]) {
          if (step.type === "name") visit([step.stages, step.predicate]);
          else visit(step);
        }
      } else visit(value);
    }
  };
  visit(ast);
  return found;
}

function plain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
