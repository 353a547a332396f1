import { MappingError, MappingErrorCode } from "./errors";
import { isSimplePath } from "./rules-scan";
import type { MappingRule } from "./types";

/** A target field written by one rule, with its value read relative to the enclosing array element. */
export interface LeafNode {
  kind: "leaf";
  rule: MappingRule;
  /** Index of the rule in the rule list. */
  index: number;
  /** The value's JSONata text before transforms, already relative to the array element. */
  base: string;
}

/** An object of target fields. */
export interface ObjectNode {
  kind: "object";
  fields: Map<string, TargetNode>;
}

/** A target array built from a source array, one element per source element. */
export interface ArrayNode {
  kind: "array";
  /** The source array path, relative to the enclosing element. */
  source: string;
  /** The rule that first named the source array (for error paths). */
  sourceIndex: number;
  /** The first rule writing into the array. */
  firstIndex: number;
  element: ObjectNode;
}

export type TargetNode = LeafNode | ObjectNode | ArrayNode;

/** A segment of a target path: `lines[]` is `{ name: "lines", array: true }`. */
export interface TargetSegment {
  name: string;
  array: boolean;
}

/** A `MAPPING_RULE_INVALID` error: the message names the rule, `path` says where in it. */
export function ruleError(path: string, message: string, at = path): MappingError {
  const rule = path.split("/").slice(0, 3).join("/");
  return new MappingError(MappingErrorCode.RULE_INVALID, `mapping rule ${rule}: ${message}`, { path: at });
}

/** Parses `order.lines[].sku` into segments. */
export function parseTarget(target: unknown, path: string): TargetSegment[] {
  if (typeof target !== "string" || target.length === 0) {
    throw ruleError(path, "target must be a non-empty string", `${path}/target`);
  }
  return target.split(".").map((segment) => {
    const array = segment.endsWith("[]");
    const name = array ? segment.slice(0, -2) : segment;
    if (name.length === 0 || /[[\]]/.test(name)) {
      throw ruleError(path, `target "${target}" has an invalid segment "${segment}"`, `${path}/target`);
    }
    return { name, array };
  });
}

/** Splits a `from` path at its `[]` markers: `line_items[].sku` → `["line_items", "sku"]`. */
export function splitArrayPath(from: string): string[] {
  return isSimplePath(from) ? from.split(/\[\]\.?/) : [from];
}

/** Builds the target tree from a rule list, checking each rule. */
export function buildTargetTree(rules: readonly MappingRule[]): ObjectNode {
  if (!Array.isArray(rules)) {
    throw new MappingError(MappingErrorCode.RULE_INVALID, "mapping rules must be an array", {
      path: "/rules",
    });
  }
  const root: ObjectNode = { kind: "object", fields: new Map() };
  rules.forEach((rule, index) => {
    const path = `/rules/${index}`;
    if (typeof rule !== "object" || rule === null) throw ruleError(path, "a rule must be an object");
    const segments = parseTarget(rule.target, path);
    const sources = [rule.from, rule.expr, rule.const].filter((value) => value !== undefined).length;
    if (sources !== 1) {
      throw ruleError(path, `give exactly one of "from", "expr" and "const" (got ${sources})`);
    }
    for (const [key, value] of [
      ["from", rule.from],
      ["expr", rule.expr],
      ["when", rule.when],
    ] as const) {
      if (value !== undefined && (typeof value !== "string" || value.trim() === "")) {
        throw ruleError(path, `"${key}" must be a non-empty JSONata string`, `${path}/${key}`);
      }
    }
    const depth = segments.filter((segment) => segment.array).length;
    if (segments.at(-1)?.array) {
      throw ruleError(
        path,
        `target "${rule.target}" ends with []: map the element fields, e.g. "${rule.target}.id"`,
        `${path}/target`,
      );
    }
    const fromParts = rule.from === undefined ? [] : splitArrayPath(rule.from);
    const fromArrays = fromParts.length - 1;
    if (depth > 0 && fromArrays > 0 && fromArrays < depth) {
      throw ruleError(
        path,
        `target "${rule.target}" is ${depth} array(s) deep but from "${rule.from}" only ${fromArrays}`,
        `${path}/from`,
      );
    }
    const arraySources = depth > 0 && fromArrays > 0 ? fromParts.slice(0, depth) : [];
    let base: string;
    if (rule.from !== undefined) {
      if (depth === 0) base = rule.from;
      // A from without [] reads from the root, whatever its shape.
      else if (fromArrays === 0) base = isSimplePath(rule.from) ? `$$.${rule.from}` : `($$.(${rule.from}))`;
      else base = fromParts.slice(depth).join("[].");
    } else base = rule.expr ?? "";
    insert(root, segments, 0, { kind: "leaf", rule, index, base }, arraySources, path);
  });
  checkArraySources(root);
  return root;
}

function insert(
  node: ObjectNode,
  segments: TargetSegment[],
  at: number,
  leaf: LeafNode,
  arraySources: string[],
  path: string,
): void {
  const segment = segments[at] as TargetSegment;
  const existing = node.fields.get(segment.name);
  if (at === segments.length - 1) {
    if (existing !== undefined)
      throw ruleError(path, `target field "${segment.name}" is already mapped`, `${path}/target`);
    node.fields.set(segment.name, leaf);
    return;
  }
  if (existing?.kind === "leaf") {
    throw ruleError(
      path,
      `"${segment.name}" is mapped to a value by /rules/${existing.index} and cannot also have fields`,
      `${path}/target`,
    );
  }
  if (!segment.array) {
    if (existing?.kind === "array")
      throw ruleError(
        path,
        `"${segment.name}" is an array target; write "${segment.name}[]"`,
        `${path}/target`,
      );
    const child: ObjectNode = existing ?? { kind: "object", fields: new Map() };
    node.fields.set(segment.name, child);
    insert(child, segments, at + 1, leaf, arraySources, path);
    return;
  }
  if (existing?.kind === "object")
    throw ruleError(path, `"${segment.name}" is an object target; drop the []`, `${path}/target`);
  const source = arraySources[0];
  let array = existing;
  if (array === undefined) {
    // A rule with only expr/const may come before the one naming the source; filled in later.
    array = {
      kind: "array",
      source: source ?? "",
      sourceIndex: source === undefined ? -1 : leaf.index,
      element: { kind: "object", fields: new Map() },
      firstIndex: leaf.index,
    };
    node.fields.set(segment.name, array);
  } else if (source !== undefined && array.sourceIndex === -1) {
    array.source = source;
    array.sourceIndex = leaf.index;
  } else if (source !== undefined && source !== array.source) {
    throw ruleError(
      path,
      `array target "${segment.name}[]" reads from "${array.source}[]" (rule /rules/${array.sourceIndex}), not "${source}[]"`,
      `${path}/from`,
    );
  }
  insert(array.element, segments, at + 1, leaf, arraySources.slice(1), path);
}

function checkArraySources(node: ObjectNode): void {
  for (const [name, child] of node.fields) {
    if (child.kind === "object") checkArraySources(child);
    if (child.kind !== "array") continue;
    if (child.sourceIndex === -1) {
      const path = `/rules/${child.firstIndex}`;
      throw ruleError(
        path,
        `array target "${name}[]" needs a source array: give one of its rules a "from" such as "items[].id"`,
      );
    }
    checkArraySources(child.element);
  }
}
