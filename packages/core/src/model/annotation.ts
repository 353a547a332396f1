import { z } from "zod";
import { Expression, Id } from "./common";

/** Vendor knowledge attached to an endpoint or a step, shown when its condition holds. */
export const Annotation = z.object({
  id: Id,
  /** What it is about: `step:<id>`, `operation:<operationId>` or `source`/`target`. */
  target: z
    .string()
    .regex(/^(step:.+|operation:.+|source|target)$/, "step:<id>, operation:<id>, source or target"),
  /** JSONata over `{ request, response, record }`; the annotation always applies when absent. */
  condition: Expression.optional(),
  message: z.string().min(1).max(10_000),
  link: z.url().optional(),
  severity: z.enum(["info", "warning", "error"]).default("info"),
});
/** Vendor knowledge attached to an endpoint or a step. */
export type Annotation = z.infer<typeof Annotation>;
