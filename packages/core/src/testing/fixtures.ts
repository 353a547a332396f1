import { newId } from "../ids";
import { contentHash } from "../json";
import type { AuditEntry } from "../model/audit";
import type { Blueprint, BlueprintBody, BlueprintRevision } from "../model/blueprint";
import type { Project } from "../model/project";
import type { Run } from "../model/run";

const at = (offsetMs = 0): string => new Date(Date.UTC(2026, 0, 1) + offsetMs).toISOString();

/** A valid project entity for store tests. */
export function sampleProject(overrides: Partial<Project> = {}): Project {
  return { id: newId("prj"), name: "Shop → ERP", createdAt: at(), updatedAt: at(), ...overrides };
}

/** A valid audit entry for store tests. */
export function sampleAudit(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: newId("aud"),
    at: at(),
    actor: "test",
    action: "create",
    entityType: "project",
    entityId: "x",
    ...overrides,
  };
}

/** A small valid blueprint body. */
export function sampleBody(name = "orders"): BlueprintBody {
  return {
    description: name,
    trigger: { kind: "api" },
    source: { connector: "con_source" },
    target: { connector: "con_target" },
    mappings: [{ id: "m1", expression: '{"id": id}', samples: [] }],
    steps: [
      { id: "map", kind: "map", mapping: "m1" },
      { id: "send", kind: "send", connector: "con_target" },
    ],
    annotations: [],
    tags: [],
  };
}

/** A blueprint with its first revision, for store tests. */
export function sampleBlueprint(projectId: string): { blueprint: Blueprint; revision: BlueprintRevision } {
  const body = sampleBody();
  const hash = contentHash(body);
  const id = newId("bp");
  return {
    blueprint: {
      id,
      projectId,
      name: "orders",
      status: "DRAFT",
      revision: 1,
      contentHash: hash,
      version: 1,
      createdAt: at(),
      updatedAt: at(),
    },
    revision: { blueprintId: id, revision: 1, body, contentHash: hash, author: "test", createdAt: at() },
  };
}

/** A queued run, for store tests. */
export function sampleRun(blueprintId: string, projectId: string, overrides: Partial<Run> = {}): Run {
  return {
    id: newId("run"),
    blueprintId,
    projectId,
    revision: 1,
    status: "QUEUED",
    dryRun: false,
    trigger: { kind: "api" },
    counts: {
      total: 0,
      completed: 0,
      failed: 0,
      filtered: 0,
      duplicates: 0,
      rejected: 0,
      deadLettered: 0,
      waiting: 0,
    },
    version: 1,
    createdAt: at(),
    updatedAt: at(),
    ...overrides,
  };
}
