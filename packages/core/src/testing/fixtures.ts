import { newId } from "../ids";
import { contentHash } from "../json";
import type { AuditEntry } from "../model/audit";
import type { Blueprint, BlueprintBody, BlueprintRevision } from "../model/blueprint";
import type { Project } from "../model/project";
import type { Run } from "../model/run";
import { TEST_CATEGORIES, type TestProfile, type TestRun } from "../model/test-run";
import type { Trace } from "../model/trace";

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
      parked: 0,
    },
    version: 1,
    createdAt: at(),
    updatedAt: at(),
    ...overrides,
  };
}

/** A finished golden-suite run with one passed case, for store tests. */
export function sampleTestRun(projectId: string, overrides: Partial<TestRun> = {}): TestRun {
  const categories = Object.fromEntries(
    TEST_CATEGORIES.map((category) => [category, { requirement: "optional", reason: "sample" }]),
  ) as TestProfile["categories"];
  return {
    id: newId("trun"),
    projectId,
    spec: { title: "Orders API", version: "1.0.0", sha256: "a".repeat(64) },
    environment: "mock",
    profile: { categories },
    startedAt: at(),
    finishedAt: at(1_000),
    results: [
      {
        id: "schema:getOrder:200",
        category: "schema",
        name: "GET /orders/{id} answers 200 with an Order",
        operation: "getOrder",
        status: "passed",
        durationMs: 12,
        exchanges: [],
        annotations: [],
      },
    ],
    summary: { passed: 1, failed: 0, skipped: 0, notApplicable: 0 },
    ...overrides,
  };
}

/** A recorded exchange that started now, for store tests. */
export function sampleTrace(projectId: string, overrides: Partial<Trace> = {}): Trace {
  const now = new Date().toISOString();
  return {
    id: newId("trc"),
    projectId,
    environment: "mock",
    request: { method: "GET", url: "http://127.0.0.1/orders/1", headers: { accept: "application/json" } },
    response: { status: 200, headers: { "content-type": "application/json" }, body: { id: 1 } },
    timing: { startedAt: now, durationMs: 3.5 },
    receivedAt: now,
    ...overrides,
  };
}
