import { newId } from "./ids";
import type { AuditAction, AuditEntry } from "./model/audit";

/** The facts of an audit entry a service knows; id and time are filled in. */
export interface AuditFacts {
  actor: string;
  action: AuditAction;
  entityType: AuditEntry["entityType"];
  entityId: string;
  projectId?: string;
  beforeHash?: string;
  afterHash?: string;
  data?: Record<string, unknown>;
}

/** An audit entry for a change made now. */
export function auditEntry(facts: AuditFacts, now: Date): AuditEntry {
  const entry: AuditEntry = { id: newId("aud"), at: now.toISOString(), ...facts };
  for (const key of Object.keys(entry) as (keyof AuditEntry)[]) {
    if (entry[key] === undefined) delete entry[key];
  }
  return entry;
}
