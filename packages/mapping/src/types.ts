/**
 * A transform applied to a rule's value: a library function name (`"to_float"`), or a call with
 * extra arguments (`{ fn: "round", args: [2] }`), compiled to `$fn(value, args…)`. The `lookup`
 * transform names a table of the mapping: `{ fn: "lookup", args: ["status"] }` compiles to
 * `$lookup($lookups.status, value)`.
 */
export type Transform = string | { fn: string; args?: unknown[] };

/**
 * One mapping rule: where a target field's value comes from and how it is transformed.
 * Exactly one of `from`, `expr` and `const` gives the value.
 *
 * Arrays of objects are mapped element by element with `[]` in both paths: the rule
 * `{ target: "order.lines[].sku", from: "line_items[].sku" }` builds one `order.lines` element per
 * `line_items` element. Inside such an array, `expr` and `when` are evaluated against the source
 * element, a `from` without `[]` reads from the root of the input, and `$$` is the root.
 *
 * @example
 * ```ts
 * const rule: MappingRule = {
 *   target: "order.lines[].quantity",
 *   from: "line_items[].qty",
 *   transforms: ["to_int"],
 *   default: 1,
 * };
 * ```
 */
export interface MappingRule {
  /** Dotted path of the target field, e.g. `customer.email` or `order.lines[].sku`. */
  target: string;
  /** A JSONata path into the input, e.g. `billing_address.zip` or `line_items[].sku`. */
  from?: string;
  /** A raw JSONata expression, for what a path cannot say. */
  expr?: string;
  /** A constant value. */
  const?: unknown;
  /** Transforms applied in order to the value. */
  transforms?: Transform[];
  /** The value used when the value (after transforms) is missing or null. */
  default?: unknown;
  /** A JSONata predicate: the field is written only when it holds. */
  when?: string;
}

/** Lookup tables of a mapping, by name: `{ status: { paid: "PAID", refunded: "REVERSED" } }`. */
export type LookupTables = Record<string, Record<string, unknown>>;

/** A JSON Schema document (draft 2020-12), as plain JSON. */
export type JsonSchema = Record<string, unknown> | boolean;

/** A golden sample of a mapping: this input must map to exactly this output. */
export interface MappingSample {
  /** A short label shown in reports. */
  name?: string;
  input: unknown;
  output: unknown;
}

/**
 * A mapping as core stores it: rules (or one raw JSONata expression), lookup tables, the input
 * and output JSON Schemas and golden samples. Exactly one of `rules` and `expression` is given.
 */
export interface MappingDefinition {
  /** Mapping rules, compiled to one JSONata expression. */
  rules?: MappingRule[];
  /** A raw JSONata expression, when rules are not enough. */
  expression?: string;
  /** Tables for the `lookup` transform, bound to `$lookups` in the expression. */
  lookups?: LookupTables;
  /** The JSON Schema of the input (used by suggestions and builders). */
  inputSchema?: JsonSchema;
  /** The JSON Schema every output must satisfy; checked on each evaluation when given. */
  outputSchema?: JsonSchema;
  /** Golden samples run by {@link testMapping}. */
  samples?: MappingSample[];
}
