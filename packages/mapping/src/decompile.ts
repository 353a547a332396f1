import jsonata from "jsonata";
import { MappingError, MappingErrorCode } from "./errors";
import { compileExpression } from "./expression";
import { ruleValueText, valueText } from "./rules";
import {
  closingBracket,
  isSimplePath,
  isSingleCall,
  isWrapped,
  splitTopLevel,
  topLevelIndexOf,
} from "./rules-scan";
import type { MappingRule, Transform } from "./types";

/**
 * Recovers mapping rules from a JSONata object constructor, so a visual builder can edit an
 * expression it did not write. Whatever rules cannot say is kept as raw `expr` rules, so
 * `compileMapping(decompile(compileMapping(rules)))` is `compileMapping(rules)` again.
 *
 * @example
 * ```ts
 * decompile('{ "customer": { "email": $lower(email) }, "lines": items.{ "sku": sku }[] }');
 * // [
 * //   { target: "customer.email", from: "email", transforms: ["lower"] },
 * //   { target: "lines[].sku", from: "items[].sku" },
 * // ]
 * ```
 * @throws {MappingError} `MAPPING_SYNTAX` for invalid JSONata; `MAPPING_RULE_INVALID` when the
 * expression is not an object constructor with literal keys (keep it as a raw expression).
 */
export function decompile(expression: string): MappingRule[] {
  compileExpression(expression);
  const text = expression.trim();
  const rules = isWrapped(text, "{") ? objectRules(text, "", "", 0) : undefined;
  if (rules === undefined) {
    throw new MappingError(
      MappingErrorCode.RULE_INVALID,
      "expression is not an object constructor with plain string keys; keep it as a raw expression",
    );
  }
  return rules;
}

interface Field {
  key: string;
  value: string;
}

function objectFields(text: string): Field[] | undefined {
  const inner = text.slice(1, -1);
  if (inner.trim() === "") return [];
  const fields: Field[] = [];
  for (const part of splitTopLevel(inner, ",")) {
    const colon = topLevelIndexOf(part, ":");
    if (colon === -1) return undefined;
    const key = literal(part.slice(0, colon).trim());
    if (typeof key?.value !== "string" || key.value === "" || /[.[\]]/.test(key.value)) return undefined;
    if (fields.some((field) => field.key === key.value)) return undefined;
    fields.push({ key: key.value, value: part.slice(colon + 1).trim() });
  }
  return fields;
}

/** Rules for an object constructor's fields, or undefined when they cannot be rules. */
function objectRules(text: string, target: string, from: string, depth: number): MappingRule[] | undefined {
  const fields = objectFields(text);
  if (fields === undefined) return undefined;
  const rules: MappingRule[] = [];
  for (const { key, value } of fields) {
    rules.push(...fieldRules(value, `${target}${key}`, from, depth));
  }
  return rules;
}

function fieldRules(value: string, target: string, from: string, depth: number): MappingRule[] {
  if (isWrapped(value, "{") && value.slice(1, -1).trim() !== "") {
    return objectRules(value, `${target}.`, from, depth) ?? [{ target, expr: value }];
  }
  const array = arrayMapping(value);
  if (array !== undefined) {
    const rules = objectRules(array.element, `${target}[].`, `${from}${array.source}[].`, depth + 1);
    // The source array is only written in the `from` of element rules: one must carry it.
    const prefix = `${from}${array.source}[]`;
    if (rules?.some((rule) => rule.from?.startsWith(prefix))) return rules;
    return [{ target, expr: value }];
  }
  return [leafRule(value, target, from, depth)];
}

/** Matches `source.{ … }[]`, the shape compileMapping writes for an array of objects. */
function arrayMapping(value: string): { source: string; element: string } | undefined {
  if (!value.endsWith("}[]")) return undefined;
  const body = value.slice(0, -2);
  const open = topLevelIndexOf(body, "{");
  if (open < 2 || body[open - 1] !== "." || closingBracket(body, open) !== body.length - 1) return undefined;
  const source = body.slice(0, open - 1);
  if (!isSimplePath(source) || source.includes("[]") || source.startsWith("$$")) return undefined;
  return { source, element: body.slice(open) };
}

function leafRule(value: string, target: string, from: string, depth: number): MappingRule {
  const parsed = parseLeaf(value, from, depth);
  if (parsed !== undefined && sameAst(value, ruleValueText({ target, ...parsed.rule }, parsed.base, 0))) {
    return { target, ...parsed.rule };
  }
  return { target, expr: value };
}

type RuleBody = Omit<MappingRule, "target">;

function parseLeaf(value: string, from: string, depth: number): { rule: RuleBody; base: string } | undefined {
  let text = value.trim();
  let when: string | undefined;
  let fallback: { value: unknown } | undefined;
  if (text.startsWith("(")) {
    const close = closingBracket(text, 0);
    const rest = text.slice(close + 1).trimStart();
    if (close > 0 && rest.startsWith("?") && rest[1] !== ":" && rest[1] !== "?") {
      const then = rest.slice(1).trim();
      if (topLevelIndexOf(then, ":") === -1) {
        when = text.slice(1, close).trim();
        text = then;
      }
    }
  }
  const defaultCall = call(text);
  if (defaultCall?.name === "default" && defaultCall.args.length === 2) {
    const literalDefault = literal(defaultCall.args[1] as string);
    if (literalDefault !== undefined && literalDefault.value !== null) {
      fallback = literalDefault;
      text = defaultCall.args[0] as string;
    }
  }
  const transforms: Transform[] = [];
  for (let peeled = peel(text); peeled !== undefined; peeled = peel(text)) {
    transforms.unshift(peeled.transform);
    text = peeled.inner;
  }
  const body: RuleBody = {};
  let base = text;
  const constant = literal(text);
  if (constant !== undefined) body.const = constant.value;
  else if (isSimplePath(text) && text.startsWith("$$.")) {
    const root = text.slice(3);
    if (depth > 0 && !root.includes("[]")) body.from = root;
    else body.expr = text;
  } else if (isSimplePath(text)) body.from = `${from}${text}`;
  else {
    // compileMapping adds parentheses only around text it would not write bare.
    const inner = isWrapped(text, "(") ? text.slice(1, -1).trim() : undefined;
    body.expr = inner !== undefined && valueText(inner) === text ? inner : text;
    base = body.expr;
  }
  if (transforms.length > 0) body.transforms = transforms;
  if (fallback !== undefined) body.default = fallback.value;
  if (when !== undefined) body.when = when;
  return { rule: body, base };
}

function call(text: string): { name: string; args: string[] } | undefined {
  if (!isSingleCall(text)) return undefined;
  const open = text.indexOf("(");
  const inner = text.slice(open + 1, -1);
  return {
    name: text.slice(1, open),
    args: inner.trim() === "" ? [] : splitTopLevel(inner, ",").map((arg) => arg.trim()),
  };
}

const LOOKUP_TABLE = /^\$lookups\.(?:([A-Za-z_][A-Za-z0-9_]*)|`([^`]+)`)$/;

/** Takes one transform call off the outside of a value, when it is one. */
function peel(text: string): { transform: Transform; inner: string } | undefined {
  const found = call(text);
  if (found === undefined || found.args.length === 0) return undefined;
  const [first, ...rest] = found.args as [string, ...string[]];
  if (found.name === "lookup") {
    const table = rest.length === 1 ? LOOKUP_TABLE.exec(first) : null;
    if (table === null || !ruleLike(rest[0] as string)) return undefined;
    return { transform: { fn: "lookup", args: [table[1] ?? table[2]] }, inner: rest[0] as string };
  }
  const args = rest.map(literal);
  if (args.some((arg) => arg === undefined) || !ruleLike(first)) return undefined;
  const transform: Transform =
    args.length === 0
      ? found.name
      : { fn: found.name, args: args.map((arg) => (arg as { value: unknown }).value) };
  return { transform, inner: first };
}

/** Values a transform may wrap and still read as a rule: paths, constants, (expressions), calls. */
function ruleLike(text: string): boolean {
  return isSimplePath(text) || isWrapped(text, "(") || isSingleCall(text) || literal(text) !== undefined;
}

function literal(text: string): { value: unknown } | undefined {
  const first = text[0];
  if (first === undefined || !/["\d\-[{tfn]/.test(first)) return undefined;
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/** Compares two expressions by their JSONata syntax trees, ignoring positions and outer parentheses. */
function sameAst(left: string, right: string): boolean {
  try {
    return JSON.stringify(normalise(jsonata(left).ast())) === JSON.stringify(normalise(jsonata(right).ast()));
  } catch {
    return false;
  }
}

function normalise(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalise);
  if (typeof node !== "object" || node === null) return node;
  const record = node as Record<string, unknown>;
  if (record.type === "block" && Array.isArray(record.expressions) && record.expressions.length === 1) {
    return normalise(record.expressions[0]);
  }
  return Object.fromEntries(
    Object.entries(record)
      .filter(([key]) => key !== "position")
      .map(([key, value]) => [key, normalise(value)]),
  );
}
