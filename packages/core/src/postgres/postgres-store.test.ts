import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConflictError, DependencyMissingError, StoreError, ValidationError } from "../errors";
import { newId } from "../ids";
import { createRuntime } from "../index";
import { AuditEntry } from "../model/audit";
import { Blueprint, BlueprintRevision } from "../model/blueprint";
import { IdempotencyRecord } from "../model/idempotency";
import { Project } from "../model/project";
import { Run, RunEvent } from "../model/run";
import { sampleAudit, sampleBlueprint, sampleProject, sampleRun } from "../testing/fixtures";
import { checkTestService } from "../testing/services";
import { testStore } from "../testing/store-contract";
import { loadPg } from "./_load-pg";
import { type PostgresStore, postgresStore } from "./index";
import { MIGRATIONS } from "./migrate";

const service = await checkTestService("postgres");
const schemas: string[] = [];
/** A fresh schema per use, dropped after the file: runs never see each other's data. */
const freshSchema = (label: string): string => {
  const schema = `synapseops_test_${label}_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  schemas.push(schema);
  return schema;
};

let admin: pg.Pool | undefined;
afterAll(async () => {
  if (admin === undefined) return;
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
});

testStore(
  "postgres",
  () => postgresStore({ connectionString: service.url }, { schema: freshSchema("contract") }),
  {
    skip: service.skip,
  },
);

describe.skipIf(Boolean(service.skip))("postgresStore", () => {
  const stores: PostgresStore[] = [];
  /** A store with its own pool (a separate "process"), closed after the file. */
  const openStore = (schema: string, options: { migrate?: boolean } = {}): PostgresStore => {
    const store = postgresStore({ connectionString: service.url }, { schema, ...options });
    stores.push(store);
    return store;
  };
  beforeAll(() => {
    admin = new pg.Pool({ connectionString: service.url, max: 4 });
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
  });

  describe("migrations", () => {
    it("applies each migration once and leaves the host pool's search_path alone", async () => {
      const schema = freshSchema("mig");
      const before = (await admin!.query<{ search_path: string }>("SHOW search_path")).rows[0]?.search_path;
      const store = postgresStore({ pool: admin! }, { schema });
      const first = await store.migrate();
      expect(first.applied.map((m) => m.version)).toEqual(MIGRATIONS.map((m) => m.version));
      expect(first.version).toBe(MIGRATIONS.at(-1)?.version);
      expect((await store.migrate()).applied).toEqual([]);
      const recorded = await admin!.query(
        `SELECT version, name, checksum FROM "${schema}".synapseops_migrations`,
      );
      expect(recorded.rows).toEqual(first.applied);
      const tables = await admin!.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name",
        [schema],
      );
      expect(tables.rows.map((r) => r.table_name)).toContain("blueprint_revisions");
      // Every connection of the host pool keeps its search_path.
      const paths = await Promise.all(
        Array.from({ length: 4 }, () => admin!.query<{ search_path: string }>("SHOW search_path")),
      );
      for (const path of paths) expect(path.rows[0]?.search_path).toBe(before);
    });

    it("is safe when several processes migrate the same new schema at once", async () => {
      const schema = freshSchema("race");
      const results = await Promise.all(Array.from({ length: 4 }, () => openStore(schema).migrate()));
      expect(results.flatMap((r) => r.applied)).toHaveLength(MIGRATIONS.length);
      expect(results.every((r) => r.version === MIGRATIONS.at(-1)?.version)).toBe(true);
    });

    it("refuses an applied migration whose checksum changed", async () => {
      const schema = freshSchema("tamper");
      await openStore(schema).migrate();
      await admin!.query(
        `UPDATE "${schema}".synapseops_migrations SET checksum = 'edited' WHERE version = 1`,
      );
      const store = openStore(schema);
      await expect(store.migrate()).rejects.toThrow(/0001_init .*checksum edited/);
      // The lazy first use refuses the same way.
      await expect(store.getProject("prj_x")).rejects.toBeInstanceOf(StoreError);
    });

    it("refuses a schema migrated by a newer release", async () => {
      const schema = freshSchema("newer");
      await openStore(schema).migrate();
      await admin!.query(
        `INSERT INTO "${schema}".synapseops_migrations (version, name, checksum) VALUES (9999, 'future', 'x')`,
      );
      await expect(openStore(schema).migrate()).rejects.toThrow(/9999_future, newer than/);
    });

    it("with migrate: false, touches nothing until migrate() is called", async () => {
      const schema = freshSchema("manual");
      const store = openStore(schema, { migrate: false });
      await expect(store.getProject("prj_x")).rejects.toBeInstanceOf(StoreError);
      await store.migrate();
      expect(await store.getProject("prj_x")).toBeUndefined();
    });

    it("rejects a schema name that is not a plain identifier", () => {
      expect(() => postgresStore({ pool: admin! }, { schema: 'x"; DROP TABLE y; --' })).toThrow(
        ValidationError,
      );
      expect(() => postgresStore({ pool: admin! }, { schema: "a".repeat(64) })).toThrow(ValidationError);
    });
  });

  it("serves a runtime as a host wires it", async () => {
    const runtime = createRuntime({
      store: postgresStore({ pool: admin! }, { schema: freshSchema("host") }),
    });
    const project = await runtime.projects.create({ name: "Shop → ERP" }, { actor: "ana" });
    expect(await runtime.projects.get(project.id)).toEqual(project);
    expect((await runtime.audit.list({ entityId: project.id })).items.map((e) => e.actor)).toEqual(["ana"]);
    await runtime.close();
    expect((await admin!.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
  });

  describe("connections", () => {
    it("never closes a host's pool", async () => {
      const pool = new pg.Pool({ connectionString: service.url, max: 2 });
      const store = postgresStore({ pool }, { schema: freshSchema("host") });
      await store.ping();
      await store.insertProject(sampleProject(), sampleAudit());
      await store.close();
      expect((await pool.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
      await pool.end();
    });

    it("imports pg lazily for a connection string and closes the pool it opened", async () => {
      const store = postgresStore({ connectionString: service.url }, { schema: freshSchema("owned") });
      await store.ping();
      const project = sampleProject();
      await store.insertProject(project, sampleAudit());
      expect(await store.getProject(project.id)).toEqual(project);
      await store.close();
      await store.close();
      await expect(store.ping()).rejects.toThrow(/used after close/);
      await expect(store.getProject(project.id)).rejects.toBeInstanceOf(StoreError);
    });

    it("says to install pg when it is missing", async () => {
      const missing = Object.assign(new Error("Cannot find package 'pg'"), { code: "ERR_MODULE_NOT_FOUND" });
      const failure = loadPg(() => Promise.reject(missing));
      await expect(failure).rejects.toBeInstanceOf(DependencyMissingError);
      await expect(failure).rejects.toThrow(/npm install pg/);
    });

    it("reports a failing database as a StoreError with the pg error as cause", async () => {
      const store = postgresStore(
        { connectionString: "postgres://postgres@127.0.0.1:5432/synapseops_no_such_db" },
        { schema: "synapseops" },
      );
      const failure = await store.getProject("prj_x").then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(StoreError);
      expect(String((failure as StoreError).message)).toMatch(/synapseops_no_such_db/);
      await store.close();
    });
  });

  describe("across processes", () => {
    let a: PostgresStore;
    let b: PostgresStore;
    beforeAll(async () => {
      const schema = freshSchema("shared");
      a = openStore(schema);
      b = openStore(schema);
      await a.migrate();
    });

    // Acceptance point of the issue: two edits of the same version, only one may win.
    it("lets exactly one of two concurrent saves of the same version win", async () => {
      const project = sampleProject();
      await a.insertProject(project, sampleAudit({ entityId: project.id }));
      for (let round = 0; round < 10; round += 1) {
        const { blueprint, revision } = sampleBlueprint(project.id);
        await a.insertBlueprint(blueprint, revision, sampleAudit({ entityId: blueprint.id }));
        const save = (store: PostgresStore, name: string) =>
          store.saveBlueprint({
            blueprint: { ...blueprint, name, revision: 2, version: 2 },
            expectedVersion: 1,
            revision: { ...revision, revision: 2, author: name },
            audit: sampleAudit({ entityId: blueprint.id, action: "edit" }),
          });
        const results = await Promise.allSettled([save(a, "a"), save(b, "b")]);
        expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
        const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
        expect(lost.reason).toBeInstanceOf(ConflictError);
        expect(String(lost.reason.message)).toMatch(/changed since it was read \(version 1, now 2\)/);
        const stored = await b.getBlueprint(blueprint.id);
        expect((await a.getRevision(blueprint.id, 2))?.author).toBe(stored?.name);
        const audit = await a.listAudit({ entityId: blueprint.id });
        expect(audit.items.map((e) => e.action)).toEqual(["create", "edit"]);
      }
    });

    it("lets exactly one of 100 concurrent claims of a key across two pools go", async () => {
      const base = {
        scope: "bp:send",
        key: newId("run"),
        payloadHash: "h1",
        leaseMs: 10_000,
        ttlMs: 60_000,
        now: new Date(),
      };
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          (i % 2 === 0 ? a : b).claimIdempotencyKey({ ...base, owner: `w${i}` }),
        ),
      );
      expect(results.filter((r) => r.outcome === "claimed")).toHaveLength(1);
      expect(results.filter((r) => r.outcome === "in_progress")).toHaveLength(99);
      const winner = results.find((r) => r.outcome === "claimed");
      expect((await b.getIdempotencyRecord(base.scope, base.key))?.leaseOwner).toBe(
        winner?.record.leaseOwner,
      );
    });

    it("numbers concurrent appends from two pools without gaps or repeats", async () => {
      const runId = newId("run");
      const at = new Date().toISOString();
      const batches = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 === 0 ? a : b).appendRunEvents(runId, [
            { at, level: "info", type: `e${i}.1`, data: {} },
            { at, level: "info", type: `e${i}.2`, data: {} },
          ]),
        ),
      );
      // Each batch gets consecutive numbers, in the order given.
      for (const batch of batches) expect(batch[1]!.seq).toBe(batch[0]!.seq + 1);
      const seqs = (await a.listRunEvents(runId, { limit: 500 })).map((e) => e.seq);
      expect(seqs).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    });
  });

  describe("stored values", () => {
    let store: PostgresStore;
    beforeAll(() => {
      store = openStore(freshSchema("values"));
    });

    it("returns entities that parse with the model schemas, timestamps exactly as written", async () => {
      const project = sampleProject({ createdAt: "2026-01-01T00:00:00.000Z", description: "ünïcödé ✓" });
      const audit = sampleAudit({ entityId: project.id, projectId: project.id, data: { n: 1.5 } });
      await store.insertProject(project, audit);
      const { blueprint, revision } = sampleBlueprint(project.id);
      await store.insertBlueprint(blueprint, revision, sampleAudit());
      const run = sampleRun(blueprint.id, project.id, { startedAt: "2026-03-04T05:06:07.089Z" });
      await store.insertRun(run);
      const [event] = await store.appendRunEvents(run.id, [
        { at: "2026-03-04T05:06:07.100Z", level: "warn", type: "x", data: { nested: [1, { b: null }] } },
      ]);
      const claim = await store.claimIdempotencyKey({
        scope: "s",
        key: newId("run"),
        payloadHash: "h",
        owner: "w",
        leaseMs: 1000,
        ttlMs: 1000,
        now: new Date(),
      });

      const read = await store.getProject(project.id);
      expect(Project.parse(read)).toEqual(project);
      expect(read?.createdAt).toBe("2026-01-01T00:00:00.000Z");
      expect(AuditEntry.parse((await store.listAudit({ entityId: project.id })).items[0])).toEqual(audit);
      expect(Blueprint.parse(await store.getBlueprint(blueprint.id))).toEqual(blueprint);
      expect(BlueprintRevision.parse(await store.getRevision(blueprint.id, 1))).toEqual(revision);
      const storedRun = await store.getRun(run.id);
      expect(Run.parse(storedRun)).toEqual(run);
      expect(storedRun?.startedAt).toBe("2026-03-04T05:06:07.089Z");
      expect(RunEvent.parse((await store.listRunEvents(run.id))[0])).toEqual(event);
      expect(IdempotencyRecord.parse(claim.record)).toEqual(claim.record);
    });

    // Issue 21: grouped claims and finishes send compact rows (shared scope, times and owner
    // starts) and PostgreSQL builds the documents; what is stored must be what a claim returned.
    it("stores grouped claims and finishes exactly as decided, across scopes, owners and times", async () => {
      const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);
      const claims = [
        { scope: "s1", key: "a", owner: "run_x/0", now: at(0) },
        { scope: "s1", key: "b", owner: "run_x/1", now: at(0) },
        { scope: "s1", key: "c", owner: "run_y/1", now: at(5) },
        { scope: "s2", key: "a", owner: "plain-owner", now: at(7) },
      ].map((c) => ({
        ...c,
        key: `${c.key}-${newId("run")}`,
        payloadHash: `h-${c.key}`,
        leaseMs: 60_000,
        ttlMs: 600_000,
      }));
      const claimed = await Promise.all(claims.map((c) => store.claimIdempotencyKey(c)));
      for (const [i, c] of claims.entries()) {
        expect(claimed[i]?.outcome).toBe("claimed");
        expect(await store.getIdempotencyRecord(c.scope, c.key)).toEqual(claimed[i]?.record);
      }
      const later = at(1_000);
      const [a, b, c, d] = claims as [
        (typeof claims)[0],
        (typeof claims)[0],
        (typeof claims)[0],
        (typeof claims)[0],
      ];
      const finished = await Promise.allSettled([
        store.completeIdempotencyKey({ ...a, now: later, result: { outcome: "completed", n: [1, null] } }),
        store.failIdempotencyKey({ ...b, now: later, error: { code: "X", message: "boom" } }),
        store.completeIdempotencyKey({ ...c, owner: "run_x/9", now: later }),
        store.completeIdempotencyKey({ ...d, now: at(1_001) }),
      ]);
      expect(finished.map((f) => f.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
      expect(await store.getIdempotencyRecord(a.scope, a.key)).toEqual({
        ...claimed[0]?.record,
        leaseOwner: undefined,
        leaseExpiresAt: undefined,
        state: "COMPLETED",
        finishedBy: "run_x/0",
        updatedAt: later.toISOString(),
        result: { outcome: "completed", n: [1, null] },
      });
      expect(await store.getIdempotencyRecord(b.scope, b.key)).toMatchObject({
        state: "FAILED",
        finishedBy: "run_x/1",
        error: { code: "X", message: "boom" },
      });
      expect(await store.getIdempotencyRecord(c.scope, c.key)).toEqual(claimed[2]?.record);
      const plain = await store.getIdempotencyRecord(d.scope, d.key);
      expect(plain).toMatchObject({
        state: "COMPLETED",
        finishedBy: "plain-owner",
        updatedAt: at(1_001).toISOString(),
      });
      expect(plain).not.toHaveProperty("result");
    });

    it("keeps a stored null cursor apart from no cursor", async () => {
      const scope = newId("con");
      await store.putCursor(scope, null);
      expect(await store.getCursor(scope)).toBeNull();
      expect(await store.getCursor(newId("con"))).toBeUndefined();
    });

    it("refuses a foreign cursor of the wrong key type", async () => {
      const numeric = Buffer.from(JSON.stringify({ k: 3 })).toString("base64url");
      await expect(store.listProjects({ cursor: numeric })).rejects.toMatchObject({ code: "CURSOR_INVALID" });
    });

    it("reports a string jsonb cannot hold (U+0000) as a StoreError that says so", async () => {
      const deadLetter = {
        id: newId("dl"),
        runId: newId("run"),
        blueprintId: "bp_x",
        step: "send",
        record: { name: "a\u0000b" },
        error: { code: "X", message: "x" },
        attempts: 1,
        createdAt: new Date().toISOString(),
      };
      await expect(store.insertDeadLetter(deadLetter)).rejects.toThrow(/U\+0000/);
    });
  });
});
