import { z } from "zod";
import { Annotation } from "./annotation";
import { Actor, Expression, Id, JsonSchemaDocument, Name, Timestamp } from "./common";
import { Mapping } from "./mapping";
import { Step } from "./step";

/** A blueprint's lifecycle state. */
export const BlueprintStatus = z.enum(["DRAFT", "VALIDATED", "APPROVED", "ARCHIVED"]);
/** A blueprint's lifecycle state. */
export type BlueprintStatus = z.infer<typeof BlueprintStatus>;

/** One side of a blueprint: a connector of the project and the schema of its records. */
export const BlueprintEndpoint = z.object({
  /** Id of a ConnectorRef of the project. */
  connector: Id,
  operation: z.string().max(200).optional(),
  /** JSON Schema of the records on this side. */
  schema: JsonSchemaDocument.optional(),
});
/** One side of a blueprint. */
export type BlueprintEndpoint = z.infer<typeof BlueprintEndpoint>;

/** What starts a run of the blueprint. */
export const Trigger = z.object({
  kind: z.enum(["api", "webhook", "poll", "queue"]).default("api"),
  /** The connector that delivers events, for webhook, poll and queue triggers. */
  connector: Id.optional(),
  /** Poll interval in milliseconds, for poll triggers. */
  intervalMs: z.int().min(1000).optional(),
});
/** What starts a run of the blueprint. */
export type Trigger = z.infer<typeof Trigger>;

/** The content of a blueprint revision: sources → steps → targets. */
export const BlueprintBody = z.object({
  description: z.string().max(10_000).optional(),
  trigger: Trigger.default({ kind: "api" }),
  source: BlueprintEndpoint,
  target: BlueprintEndpoint,
  /** JSONata over a record giving its idempotency key, e.g. `id`. */
  idempotencyKey: Expression.optional(),
  mappings: z.array(Mapping).default([]),
  steps: z.array(Step).min(1, "a blueprint needs at least one step"),
  annotations: z.array(Annotation).default([]),
  tags: z.array(z.string().min(1).max(100)).max(50).default([]),
});
/** The content of a blueprint revision. */
export type BlueprintBody = z.infer<typeof BlueprintBody>;
/** A blueprint body as a caller may write it (defaults not yet applied). */
export type BlueprintBodyInput = z.input<typeof BlueprintBody>;

/** A deployable integration; its content lives in immutable revisions. */
export const Blueprint = z.object({
  id: Id,
  projectId: Id,
  name: Name,
  status: BlueprintStatus,
  /** The head revision: the latest edit. */
  revision: z.int().min(1),
  /** Content hash of the head revision. */
  contentHash: z.string(),
  /** The revision that runs: the latest approved one, kept while newer drafts are edited. */
  approvedRevision: z.int().min(1).optional(),
  /** The revision that last passed validation, when it is the head. */
  validatedRevision: z.int().min(1).optional(),
  /** Optimistic concurrency token: bumped by every change of this record. */
  version: z.int().min(1),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
/** A deployable integration. */
export type Blueprint = z.infer<typeof Blueprint>;

/** Every edit of a blueprint is a new immutable revision. */
export const BlueprintRevision = z.object({
  blueprintId: Id,
  revision: z.int().min(1),
  body: BlueprintBody,
  contentHash: z.string(),
  author: Actor,
  message: z.string().max(1000).optional(),
  createdAt: Timestamp,
});
/** Every edit of a blueprint is a new immutable revision. */
export type BlueprintRevision = z.infer<typeof BlueprintRevision>;
