import {
  ConnectorRefInput,
  EnvironmentInput,
  MappingRule,
  ProjectInput,
  ScheduleInput,
  STORE_INT_MAX,
} from "@synapseops/core";
import { z } from "zod";

/** The request schemas of the API, as zod; routes turn them into Fastify (Ajv) schemas. */

const EntityId = z.string().min(1).max(128);
// Revisions and event numbers live in PostgreSQL `integer` columns (issue 16).
const Revision = z.coerce.number().int().min(1).max(STORE_INT_MAX);

export const IdParams = z.object({ id: EntityId });
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().max(2000).optional(),
});

export const CreateProjectBody = ProjectInput;
export const CreateConnectorBody = ConnectorRefInput;
/** A schedule of the blueprint named in the path. */
export const CreateScheduleBody = ScheduleInput.omit({ blueprintId: true });
/** An environment of the project, its name in the path. */
export const EnvironmentParams = z.object({ id: EntityId, name: EnvironmentInput.shape.name });
export const PutEnvironmentBody = EnvironmentInput.omit({ name: true });

const GenerateEndpointBody = z.object({
  /** Id of a connector ref of the project. */
  connector: EntityId,
  /** JSON Schema of the records on this side. */
  schema: z.record(z.string(), z.unknown()),
  operation: z.string().max(200).optional(),
  samples: z.array(z.unknown()).max(100).optional(),
});
export const GenerateBlueprintBody = z.object({
  name: z.string().min(1).max(200).optional(),
  /** What the integration is for, in the user's words. */
  intent: z.string().max(2000).optional(),
  source: GenerateEndpointBody,
  target: GenerateEndpointBody,
});

export const PatchBlueprintBody = z.object({
  /** The revision the edit is based on; another head revision is a 409 conflict. */
  expectedRevision: z.number().int().min(1).max(STORE_INT_MAX),
  /** A JSON Merge Patch (RFC 7386) of the blueprint body. */
  patch: z.record(z.string(), z.unknown()),
  message: z.string().max(1000).optional(),
});

export const RevisionParams = z.object({ id: EntityId, revision: Revision });
export const DiffQuery = z.object({ from: Revision, to: Revision });

export const StartRunBody = z.object({
  records: z.array(z.unknown()).min(1).max(10_000),
  /** Run the head revision (even a draft) without calling the target. */
  dryRun: z.boolean().optional(),
  /** The idempotency key of a single-record run. */
  idempotencyKey: z.string().min(1).max(255).optional(),
});
/** Which parked records of a run an action applies to: one record's key, or all when absent. */
/** A record of a run: its key (the idempotency key, or `#<position>`), as run events name it. */
export const RunRecordParams = z.object({ id: EntityId, key: z.string().min(1).max(255) });
export const ParkedRecordsBody = z.object({ recordKey: z.string().min(1).max(255).optional() }).strict();
export const RunListQuery = PageQuery.extend({
  status: z.enum(["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"]).optional(),
});
export const RunEventsQuery = z.object({
  /** The `nextCursor` of the previous page. */
  cursor: z.string().max(20).optional(),
  after: z.coerce.number().int().min(0).max(STORE_INT_MAX).optional(),
  level: z.enum(["debug", "info", "warn", "error"]).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

export const MappingTestBody = z.object({
  /** The sample record to map. */
  input: z.unknown(),
  /** The mapping's id. @default the first mapping of the body */
  mapping: z.string().min(1).max(128).optional(),
  /** @default the head revision */
  revision: z.number().int().min(1).max(STORE_INT_MAX).optional(),
  /**
   * Rules to try instead of the mapping's own (the visual builder's unsaved rules): the
   * revision's schemas and lookups still apply. Nothing is saved.
   */
  rules: z.array(MappingRule).max(1000).optional(),
});

// A pattern rather than `format: date-time`: the service's Ajv has no formats, and would ignore it.
const IsoInstant = z
  .string()
  .max(40)
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?Z$/,
    "an ISO 8601 UTC instant (2026-01-31T12:00:00Z)",
  );

/** Which dead letters: by error code and creation time (ISO 8601, UTC; `until` excluded). */
export const DeadLetterFilterFields = z.object({
  errorCode: z.string().min(1).max(100).optional(),
  since: IsoInstant.optional(),
  until: IsoInstant.optional(),
});
export const DeadLetterQuery = PageQuery.extend({
  blueprintId: EntityId.optional(),
  runId: EntityId.optional(),
  replayed: z.enum(["true", "false"]).optional(),
  ...DeadLetterFilterFields.shape,
});
/** Replays a blueprint's not yet replayed dead letters that match (every one without a filter). */
export const ReplayMatchingBody = DeadLetterFilterFields;
export const ReplayBody = z.object({ deadLetterIds: z.array(EntityId).min(1).max(500) });

export const SandboxParams = z.object({ channel: z.string().min(1).max(100) });
export const SandboxBody = z.object({
  /** A JSONata predicate; records for which it holds are rejected. `null` clears it. */
  rejectWhen: z.string().max(1000).nullable().optional(),
  /** `true`: every write answers a retryable 503 until set back to `false`. */
  unavailable: z.boolean().optional(),
});

const RoleName = z.enum(["viewer", "editor", "approver", "admin"]);
/** A project id, or `*` for every project. */
const ProjectScope = z.string().min(1).max(128);

export const LoginBody = z.object({
  name: z.string().min(1).max(100),
  password: z.string().min(1).max(1000),
});
export const CreateTokenBody = z.object({
  /** A label for the token (who or what uses it). */
  name: z.string().min(1).max(100),
  projectId: ProjectScope,
  role: RoleName,
  /** @default 30 */
  expiresInDays: z.number().int().min(1).max(365).optional(),
});
export const CreateUserBody = z.object({
  name: z.string().regex(/^[a-z0-9._-]{1,64}$/, "lowercase letters, digits, dot, dash, underscore"),
  /** At least 12 characters (NIST SP 800-63B §3.1.1.2 asks for 8 at least). */
  password: z.string().min(12).max(1000),
  /** Project id (or `*`) → role. */
  grants: z.record(ProjectScope, RoleName),
});

export const AllRunsQuery = PageQuery.extend({
  status: z.enum(["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"]).optional(),
  projectId: EntityId.optional(),
  blueprintId: EntityId.optional(),
  /** Runs started on this customer connection (its id). */
  connection: EntityId.optional(),
  /** Runs created at or after this instant (ISO 8601, UTC). */
  since: IsoInstant.optional(),
  /** Runs created before this instant (ISO 8601, UTC). */
  until: IsoInstant.optional(),
  /** A run id: that run, if it matches the other filters. */
  q: z.string().min(1).max(128).optional(),
  /** Runs that processed the record with this key (its idempotency key, or `#<position>`). */
  recordKey: z.string().min(1).max(255).optional(),
  /** The run started with this idempotency key. */
  idempotencyKey: z.string().min(1).max(255).optional(),
});

export const AlertRuleBody = z.object({
  blueprintId: EntityId,
  /** `failureRate` (0–1), `deadLetters` (a count) or `lagSeconds` (the oldest queued run's age). */
  metric: z.enum(["failureRate", "deadLetters", "lagSeconds"]),
  /** The rule fires at or above this. */
  threshold: z.number().min(0).max(1_000_000_000),
  /** @default 15 */
  windowMinutes: z.number().int().min(1).max(10_080).optional(),
  /** A notification connector ref of the project (`slack`, `teams`). */
  channel: EntityId,
  /** @default 60 */
  quietMinutes: z.number().int().min(0).max(10_080).optional(),
});
