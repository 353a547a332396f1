import type { AuditEntry } from "../model/audit";
import { jsonParam, type Queryable } from "./_sql";

/** Appends an audit entry inside the caller's transaction, so it stands or falls with the change. */
export async function writeAudit(client: Queryable, auditTable: string, entry: AuditEntry): Promise<void> {
  await client.query(`INSERT INTO ${auditTable} (id, entity_id, project_id, doc) VALUES ($1, $2, $3, $4)`, [
    entry.id,
    entry.entityId,
    entry.projectId ?? null,
    jsonParam(entry),
  ]);
}
