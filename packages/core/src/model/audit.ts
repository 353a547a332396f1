import { z } from "zod";
import { Actor, Id, Timestamp } from "./common";

/** What was done. */
export const AuditAction = z.enum([
  "create",
  "update",
  "edit",
  "restore",
  "validate",
  "approve",
  "archive",
  "delete",
  "pause",
  "resume",
]);
/** What was done. */
export type AuditAction = z.infer<typeof AuditAction>;

/** The kinds of entity audited. */
export const AuditEntityType = z.enum([
  "project",
  "environment",
  "connector",
  "blueprint",
  "artifact",
  "schedule",
]);

/** Who did what to which entity, with content hashes before and after. */
export const AuditEntry = z.object({
  id: Id,
  at: Timestamp,
  actor: Actor,
  action: AuditAction,
  entityType: AuditEntityType,
  entityId: z.string().min(1),
  projectId: Id.optional(),
  beforeHash: z.string().optional(),
  afterHash: z.string().optional(),
  /** Small facts about the change (revision numbers, report summary). */
  data: z.record(z.string(), z.unknown()).optional(),
});
/** Who did what to which entity. */
export type AuditEntry = z.infer<typeof AuditEntry>;
