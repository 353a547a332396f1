import { z } from "zod";
import { Annotation } from "./annotation";
import { Artifact } from "./artifact";
import { AuditEntry } from "./audit";
import { Blueprint, BlueprintBody, BlueprintRevision } from "./blueprint";
import { ConnectorRef } from "./connector-ref";
import { DeadLetter } from "./dead-letter";
import { Environment } from "./environment";
import { IdempotencyRecord } from "./idempotency";
import { Mapping } from "./mapping";
import { Project } from "./project";
import { Run, RunEvent } from "./run";
import { Step } from "./step";
import { TestProfile, TestRun } from "./test-run";
import { Trace } from "./trace";

/** The model's entities by name, as zod schemas. */
export const modelSchemas = {
  Project,
  Environment,
  ConnectorRef,
  Blueprint,
  BlueprintBody,
  BlueprintRevision,
  Step,
  Mapping,
  Annotation,
  Run,
  RunEvent,
  IdempotencyRecord,
  DeadLetter,
  Artifact,
  AuditEntry,
  TestProfile,
  TestRun,
  Trace,
} as const;

/** The name of a model entity. */
export type ModelEntityName = keyof typeof modelSchemas;

/**
 * JSON Schemas (draft 2020-12) of the model's entities, exported from the zod schemas, for UIs,
 * other languages and codegen. `io: "input"` describes what callers may send (defaults optional).
 *
 * @example
 * ```ts
 * const { BlueprintBody } = modelJsonSchemas({ io: "input" });
 * ```
 */
export function modelJsonSchemas(
  options: { io?: "input" | "output" } = {},
): Record<ModelEntityName, Record<string, unknown>> {
  const io = options.io ?? "output";
  const result = {} as Record<ModelEntityName, Record<string, unknown>>;
  for (const [name, schema] of Object.entries(modelSchemas) as [ModelEntityName, z.ZodType][]) {
    result[name] = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown>;
  }
  return result;
}
