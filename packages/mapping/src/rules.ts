import { registeredFunctions } from "./function-registry";
import { JSONATA_BUILTIN_NAMES } from "./guards/jsonata-environment";
import { isSimplePath, isSingleCall, isWrapped } from "./rules-scan";
import { type ArrayNode, buildTargetTree, type LeafNode, type ObjectNode, ruleError } from "./rules-tree";
import type { MappingRule, Transform } from "./types";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

// JSONata's own functions; transforms may name them (`trim`, `round`, `split`, …).
const JSONATA_BUILTINS = new Set(JSONATA_BUILTIN_NAMES);

/** A region of the compiled expression that belongs to a rule, for mapping errors back to it. */
export interface RuleSpan {
  start: number;
  end: number;
  /** The rule path: `/rules/3`, `/rules/3/transforms/0`, `/rules/3/when`. */
  path: string;
}

/** The compiled expression with the regions each rule produced. */
export interface CompiledRules {
  source: string;
  spans: RuleSpan[];
}

/**
 * Compiles mapping rules to one readable JSONata expression (an object constructor).
 *
 * @example
 * ```ts
 * compileMapping([
 *   { target: "customer.email", from: "email", transforms: ["lower"] },
 *   { target: "lines[].sku", from: "line_items[].sku" },
 * ]);
 * // {
 * //   "customer": {
 * //     "email": $lower(email)
 * //   },
 * //   "lines": line_items.{
 * //     "sku": sku
 * //   }[]
 * // }
 * ```
 * @throws {MappingError} `MAPPING_RULE_INVALID` with the rule's path (`/rules/3/transforms/0`).
 */
export function compileMapping(rules: readonly MappingRule[]): string {
  return compileRules(rules).source;
}

/** {@link compileMapping}, also returning which region of the text each rule produced. */
export function compileRules(rules: readonly MappingRule[]): CompiledRules {
  const out = { source: "", spans: [] as RuleSpan[] };
  renderObject(buildTargetTree(rules), "", out);
  return out;
}

function renderObject(node: ObjectNode, indent: string, out: CompiledRules): void {
  if (node.fields.size === 0) {
    out.source += "{}";
    return;
  }
  const inner = `${indent}  `;
  out.source += "{\n";
  let first = true;
  for (const [key, child] of node.fields) {
    if (!first) out.source += ",\n";
    first = false;
    out.source += `${inner}${JSON.stringify(key)}: `;
    if (child.kind === "object") renderObject(child, inner, out);
    else if (child.kind === "array") renderArray(child, inner, out);
    else renderLeaf(child, out);
  }
  out.source += `\n${indent}}`;
}

function renderArray(node: ArrayNode, indent: string, out: CompiledRules): void {
  const start = out.source.length;
  out.source += `${node.source}.`;
  out.spans.push({ start, end: out.source.length, path: `/rules/${node.sourceIndex}/from` });
  renderObject(node.element, indent, out);
  out.source += "[]";
}

/** One wrapper around a rule's value: a transform call, the default or the `when` guard. */
interface Layer {
  prefix: string;
  suffix: string;
  path: string;
}

/** The value text of one rule (without its target), as `compileMapping` writes it. */
export function ruleValueText(rule: MappingRule, base: string, index: number): string {
  const { text } = leafText({ kind: "leaf", rule, index, base });
  return text;
}

function leafText(leaf: LeafNode): { text: string; baseOffset: number; layers: Layer[] } {
  const { rule, index } = leaf;
  const path = `/rules/${index}`;
  const base = rule.const !== undefined ? constText(rule.const, path) : valueText(leaf.base);
  const layers: Layer[] = [];
  (rule.transforms ?? []).forEach((transform, position) => {
    layers.push(transformLayer(transform, `${path}/transforms/${position}`));
  });
  if (rule.default !== undefined) {
    layers.push({
      prefix: "$default(",
      suffix: `, ${constText(rule.default, `${path}/default`)})`,
      path: `${path}/default`,
    });
  }
  if (rule.when !== undefined) layers.push({ prefix: `(${rule.when}) ? `, suffix: "", path: `${path}/when` });
  const prefix = layers
    .map((layer) => layer.prefix)
    .reverse()
    .join("");
  const suffix = layers.map((layer) => layer.suffix).join("");
  return { text: `${prefix}${base}${suffix}`, baseOffset: prefix.length, layers };
}

function renderLeaf(leaf: LeafNode, out: CompiledRules): void {
  const start = out.source.length;
  const { text, layers } = leafText(leaf);
  out.source += text;
  out.spans.push({ start, end: out.source.length, path: `/rules/${leaf.index}` });
  // Outer layers come first in the text: walk them from the outside in.
  let offset = start;
  for (const layer of [...layers].reverse()) {
    out.spans.push({ start: offset, end: offset + layer.prefix.length, path: layer.path });
    offset += layer.prefix.length;
  }
}

/** Paths, single calls and parenthesised text are written bare; anything else in parentheses. */
export function valueText(expression: string): string {
  const text = expression.trim();
  return isSimplePath(text) || isSingleCall(text) || isWrapped(text, "(") ? text : `(${text})`;
}

function constText(value: unknown, path: string): string {
  const text = jsonText(value);
  if (text === undefined) throw ruleError(path, `${describe(value)} is not a JSON value`);
  return text;
}

function jsonText(value: unknown): string | undefined {
  if (value === null || typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "number") return Number.isFinite(value) ? JSON.stringify(value) : undefined;
  if (Array.isArray(value)) {
    const items = value.map(jsonText);
    return items.includes(undefined) ? undefined : `[${items.join(", ")}]`;
  }
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value as Record<string, unknown>).map(([key, item]) => {
      const text = jsonText(item);
      return text === undefined ? undefined : `${JSON.stringify(key)}: ${text}`;
    });
    return entries.includes(undefined) ? undefined : `{${entries.join(", ")}}`;
  }
  return undefined;
}

function describe(value: unknown): string {
  return typeof value === "function" ? "a function" : value === undefined ? "undefined" : String(value);
}

/** A lookup table reference: `$lookups.status`, or `` $lookups.`order status` ``. */
export function lookupTableText(name: string): string {
  return IDENTIFIER.test(name) ? `$lookups.${name}` : `$lookups.\`${name}\``;
}

function transformLayer(transform: Transform, path: string): Layer {
  const { fn, args = [] } =
    typeof transform === "string" ? { fn: transform } : (transform ?? { fn: undefined });
  if (typeof fn !== "string" || !IDENTIFIER.test(fn)) {
    throw ruleError(path, `${JSON.stringify(fn)} is not a function name`);
  }
  if (!Array.isArray(args)) throw ruleError(path, `the arguments of ${fn} must be an array`);
  if (!JSONATA_BUILTINS.has(fn) && !registeredFunctions().some((registered) => registered.name === fn)) {
    throw ruleError(
      path,
      `unknown function "${fn}" (not in the library, not registered, not a JSONata built-in)`,
    );
  }
  if (fn === "lookup") {
    const table = args[0];
    if (typeof table !== "string" || table.length === 0 || table.includes("`") || args.length !== 1) {
      throw ruleError(
        path,
        'the lookup transform takes one argument, the table name: { fn: "lookup", args: ["status"] }',
      );
    }
    return { prefix: `$lookup(${lookupTableText(table)}, `, suffix: ")", path };
  }
  const argTexts = args.map((arg, position) => constText(arg, `${path}/args/${position}`));
  return { prefix: `$${fn}(`, suffix: argTexts.map((text) => `, ${text}`).join("") + ")", path };
}
