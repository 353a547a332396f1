import { z } from "zod";
import { Expression, Id, JsonSchemaDocument } from "./common";

/** A transform of a rule: a function name or a call with extra arguments. */
export const MappingTransform = z.union([
  z.string().min(1),
  z.object({ fn: z.string().min(1), args: z.array(z.unknown()).optional() }),
]);

/**
 * One mapping rule. Unknown keys are kept: the mapping engine owns the rule language and may
 * add to it (nested array rules) without a core release.
 */
export const MappingRule = z.looseObject({
  target: z.string().min(1),
  from: z.string().min(1).optional(),
  expr: Expression.optional(),
  const: z.unknown().optional(),
  transforms: z.array(MappingTransform).optional(),
  default: z.unknown().optional(),
  when: Expression.optional(),
});
/** One mapping rule. */
export type MappingRule = z.infer<typeof MappingRule>;

/** A golden sample: the output a mapping must produce for an input. */
export const MappingSample = z.object({
  name: z.string().max(200).optional(),
  input: z.unknown(),
  output: z.unknown(),
});
/** A golden sample. */
export type MappingSample = z.infer<typeof MappingSample>;

/** A mapping: rules or a JSONata expression, with schemas and golden samples. */
export const Mapping = z
  .object({
    id: Id,
    name: z.string().max(200).optional(),
    rules: z.array(MappingRule).optional(),
    expression: Expression.optional(),
    /** Lookup tables used by the `lookup` transform. */
    lookups: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
    inputSchema: JsonSchemaDocument.optional(),
    outputSchema: JsonSchemaDocument.optional(),
    samples: z.array(MappingSample).default([]),
  })
  .refine((mapping) => (mapping.rules === undefined) !== (mapping.expression === undefined), {
    message: 'a mapping has either "rules" or "expression", not both and not neither',
  });
/** A mapping: rules or a JSONata expression, with schemas and golden samples. */
export type Mapping = z.infer<typeof Mapping>;
