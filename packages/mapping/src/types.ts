/** A transform applied to a rule's value: a library function name, or a call with extra arguments. */
export type Transform = string | { fn: string; args?: unknown[] };

/**
 * One mapping rule: where a target field's value comes from and how it is transformed.
 * Exactly one of `from`, `expr` and `const` gives the value.
 */
export interface MappingRule {
  /** Dotted path of the target field, e.g. `customer.email`. */
  target: string;
  /** A JSONata path into the input, e.g. `billing_address.zip`. */
  from?: string;
  /** A raw JSONata expression, for what a path cannot say. */
  expr?: string;
  /** A constant value. */
  const?: unknown;
  /** Transforms applied in order to the value. */
  transforms?: Transform[];
  /** The value used when the source value is missing. */
  default?: unknown;
  /** A JSONata predicate: the field is written only when it holds. */
  when?: string;
}
