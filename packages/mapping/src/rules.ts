import { MappingError, MappingErrorCode } from "./errors";
import type { MappingRule, Transform } from "./types";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface TargetNode {
  fields: Map<string, TargetNode | string>;
}

/**
 * Compiles mapping rules to one readable JSONata expression (an object constructor).
 *
 * @example
 * ```ts
 * compileMapping([{ target: "customer.email", from: "email", transforms: ["lower"] }]);
 * // {\n  "customer": {\n    "email": $lower(email)\n  }\n}
 * ```
 * @throws {MappingError} `MAPPING_RULE_INVALID` with the rule's path (`/rules/3`).
 */
export function compileMapping(rules: readonly MappingRule[]): string {
  const root: TargetNode = { fields: new Map() };
  rules.forEach((rule, index) => {
    const path = `/rules/${index}`;
    const segments = rule.target.split(".");
    if (segments.some((segment) => segment.length === 0)) {
      throw new MappingError(
        MappingErrorCode.RULE_INVALID,
        `mapping rule ${path}: target "${rule.target}" has an empty segment`,
        {
          path: `${path}/target`,
        },
      );
    }
    insertField(root, segments, ruleValue(rule, path), path);
  });
  return renderNode(root, "");
}

function ruleValue(rule: MappingRule, path: string): string {
  const sources = [rule.from, rule.expr, rule.const].filter((value) => value !== undefined).length;
  if (sources !== 1) {
    throw new MappingError(
      MappingErrorCode.RULE_INVALID,
      `mapping rule ${path}: give exactly one of "from", "expr" and "const" (got ${sources})`,
      { path },
    );
  }
  let value = rule.const !== undefined ? JSON.stringify(rule.const) : `(${rule.from ?? rule.expr})`;
  (rule.transforms ?? []).forEach((transform, index) => {
    value = applyTransform(value, transform, `${path}/transforms/${index}`);
  });
  if (rule.default !== undefined) {
    value = `($v := ${value}; $exists($v) ? $v : ${JSON.stringify(rule.default)})`;
  }
  if (rule.when !== undefined) value = `((${rule.when}) ? ${value})`;
  return value;
}

function applyTransform(value: string, transform: Transform, path: string): string {
  const { fn, args = [] } = typeof transform === "string" ? { fn: transform } : transform;
  if (!IDENTIFIER.test(fn)) {
    throw new MappingError(
      MappingErrorCode.RULE_INVALID,
      `mapping rule ${path}: "${fn}" is not a function name`,
      {
        path,
      },
    );
  }
  return `$${fn}(${[value, ...args.map((arg) => JSON.stringify(arg))].join(", ")})`;
}

function insertField(node: TargetNode, segments: string[], value: string, path: string): void {
  const [head, ...rest] = segments as [string, ...string[]];
  const existing = node.fields.get(head);
  if (rest.length === 0) {
    if (existing !== undefined) {
      throw new MappingError(
        MappingErrorCode.RULE_INVALID,
        `mapping rule ${path}: target field "${head}" is already mapped`,
        {
          path: `${path}/target`,
        },
      );
    }
    node.fields.set(head, value);
    return;
  }
  if (typeof existing === "string") {
    throw new MappingError(
      MappingErrorCode.RULE_INVALID,
      `mapping rule ${path}: "${head}" is mapped to a value and cannot also have fields`,
      {
        path: `${path}/target`,
      },
    );
  }
  const child = existing ?? { fields: new Map() };
  node.fields.set(head, child);
  insertField(child, rest, value, path);
}

function renderNode(node: TargetNode, indent: string): string {
  const inner = `${indent}  `;
  const lines = [...node.fields].map(
    ([key, value]) =>
      `${inner}${JSON.stringify(key)}: ${typeof value === "string" ? value : renderNode(value, inner)}`,
  );
  return lines.length === 0 ? "{}" : `{\n${lines.join(",\n")}\n${indent}}`;
}
