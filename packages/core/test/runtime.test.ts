import {
  BlueprintInvalidError,
  ConflictError,
  LifecycleError,
  memoryStore,
  NotFoundError,
  type Store,
  SynapseError,
  ValidationError,
} from "@synapseops/core";
import { afterAll, describe, expect, it } from "vitest";
import { orderBody, setup } from "./_runtime-fixtures";
import { storeFactories } from "./_stores";

const stores = await storeFactories();
afterAll(async () => {
  for (const store of stores) await store.cleanup();
});

describe.each(stores)("runtime on the $name store", ({ make, skip }) => {
  const withStore = async <T>(fn: (store: Store) => Promise<T>): Promise<T> => {
    const store = await make();
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  };

  describe.skipIf(Boolean(skip))("lifecycle", () => {
    it("creates a DRAFT blueprint whose validation moves it to VALIDATED, then APPROVED", () =>
      withStore(async (store) => {
        const { runtime, projectId, source, target } = await setup(store);
        const draft = await runtime.blueprints.create(projectId, {
          name: "orders",
          body: orderBody(source, target),
        });
        expect(draft).toMatchObject({ status: "DRAFT", revision: 1, version: 1 });
        expect(draft.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
        const report = await runtime.blueprints.validate(draft.id);
        expect(report.issues.filter((i) => i.severity === "error")).toEqual([]);
        expect(report.ok).toBe(true);
        expect((await runtime.blueprints.get(draft.id)).status).toBe("VALIDATED");
        const approved = await runtime.blueprints.approve(draft.id, { actor: "lead" });
        expect(approved).toMatchObject({ status: "APPROVED", approvedRevision: 1 });
        const audit = await runtime.audit.list({ entityId: draft.id });
        expect(audit.items.map((e) => e.action)).toEqual(["create", "validate", "approve"]);
        expect(audit.items[2]).toMatchObject({ actor: "lead", afterHash: draft.contentHash });
      }));

    it("edits an approved blueprint into a new DRAFT revision while the approved one stays", () =>
      withStore(async (store) => {
        const { runtime, projectId, source, target } = await setup(store);
        const draft = await runtime.blueprints.create(projectId, {
          name: "orders",
          body: orderBody(source, target),
        });
        await runtime.blueprints.approve(draft.id);
        const edited = await runtime.blueprints.edit(draft.id, { patch: { description: "v2" } });
        expect(edited).toMatchObject({ status: "DRAFT", revision: 2, approvedRevision: 1 });
        expect(edited.contentHash).not.toBe(draft.contentHash);
        expect((await runtime.blueprints.body(draft.id, 1)).description).toBe("orders to the ERP");
        expect((await runtime.blueprints.body(draft.id)).description).toBe("v2");
        const revisions = await runtime.blueprints.revisions.list(draft.id);
        expect(revisions.items.map((r) => [r.revision, r.contentHash])).toEqual([
          [1, draft.contentHash],
          [2, edited.contentHash],
        ]);
        expect(await runtime.blueprints.revisions.diff(draft.id, 1, 2)).toEqual([
          { op: "replace", path: "/description", value: "v2" },
        ]);
      }));

    it("edits with a function, skips no-op edits and restores an old revision as a new draft", () =>
      withStore(async (store) => {
        const { runtime, projectId, source, target } = await setup(store);
        const draft = await runtime.blueprints.create(projectId, {
          name: "orders",
          body: orderBody(source, target),
        });
        const same = await runtime.blueprints.edit(draft.id, { update: (body) => body });
        expect(same.revision).toBe(1);
        const tagged = await runtime.blueprints.edit(draft.id, {
          update: (body) => ({ ...body, tags: ["erp"] }),
        });
        expect(tagged.revision).toBe(2);
        const restored = await runtime.blueprints.revisions.restore(draft.id, 1);
        expect(restored).toMatchObject({ revision: 3, contentHash: draft.contentHash, status: "DRAFT" });
        expect((await runtime.blueprints.revisions.get(draft.id, 3)).message).toBe("restored revision 1");
      }));

    it("refuses edits, validation and approval of an archived blueprint", () =>
      withStore(async (store) => {
        const { runtime, projectId, source, target } = await setup(store);
        const draft = await runtime.blueprints.create(projectId, {
          name: "orders",
          body: orderBody(source, target),
        });
        await runtime.blueprints.archive(draft.id);
        const before = await runtime.blueprints.get(draft.id);
        for (const attempt of [
          () => runtime.blueprints.edit(draft.id, { patch: { description: "x" } }),
          () => runtime.blueprints.validate(draft.id),
          () => runtime.blueprints.approve(draft.id),
          () => runtime.blueprints.archive(draft.id),
          () => runtime.blueprints.revisions.restore(draft.id, 1),
        ]) {
          const error = await attempt().catch((e: unknown) => e);
          expect(error).toBeInstanceOf(LifecycleError);
          expect(error).toMatchObject({ code: "LIFECYCLE", path: "/status", from: "ARCHIVED" });
        }
        expect(await runtime.blueprints.get(draft.id)).toEqual(before);
      }));
  });

  describe.skipIf(Boolean(skip))("bad input is a typed error and changes nothing", () => {
    it("rejects an invalid body with the JSON pointer of the problem", () =>
      withStore(async (store) => {
        const { runtime, projectId, source, target } = await setup(store);
        const body = { ...orderBody(source, target), steps: [{ id: "x", kind: "teleport" }] } as never;
        const error = await runtime.blueprints
          .create(projectId, { name: "bad", body })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ValidationError);
        expect(error).toMatchObject({ code: "INVALID_INPUT", path: "/body/steps/0/kind" });
        expect((await runtime.blueprints.list(projectId)).items).toEqual([]);
      }));

    it("reports unknown ids as NotFoundError", () =>
      withStore(async (store) => {
        const { runtime, projectId } = await setup(store);
        await expect(runtime.blueprints.get("bp_missing")).rejects.toMatchObject({
          code: "NOT_FOUND",
          entity: "blueprint",
        });
        await expect(runtime.projects.get("prj_missing")).rejects.toBeInstanceOf(NotFoundError);
        await expect(runtime.blueprints.revisions.get("bp_missing", 1)).rejects.toBeInstanceOf(NotFoundError);
        await expect(
          runtime.blueprints.create("prj_missing", { name: "x", body: {} as never }),
        ).rejects.toBeInstanceOf(NotFoundError);
        await expect(runtime.connectorRefs.get("con_missing")).rejects.toBeInstanceOf(NotFoundError);
        await expect(runtime.environments.get(projectId, "nope")).rejects.toBeInstanceOf(NotFoundError);
      }));

    it("rejects malformed merge patches and invalid patched bodies, leaving the blueprint as it was", () =>
      withStore(async (store) => {
        const { runtime, projectId, source, target } = await setup(store);
        const draft = await runtime.blueprints.create(projectId, {
          name: "orders",
          body: orderBody(source, target),
        });
        const auditBefore = (await runtime.audit.list({ entityId: draft.id })).items.length;
        const cases: [unknown, string, string][] = [
          [[1, 2], "MERGE_PATCH_INVALID", ""],
          ["text", "MERGE_PATCH_INVALID", ""],
          [JSON.parse('{"source": {"__proto__": {"x": 1}}}'), "MERGE_PATCH_INVALID", "/source/__proto__"],
          [{ steps: [] }, "INVALID_INPUT", "/steps"],
          [{ source: { connector: 42 } }, "INVALID_INPUT", "/source/connector"],
        ];
        for (const [patch, code, path] of cases) {
          const error = await runtime.blueprints.edit(draft.id, { patch }).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(ValidationError);
          expect(error).toMatchObject({ code, path });
        }
        expect(await runtime.blueprints.get(draft.id)).toEqual(draft);
        expect((await runtime.audit.list({ entityId: draft.id })).items.length).toBe(auditBefore);
        expect(({} as Record<string, unknown>).x).toBeUndefined();
      }));

    it("refuses to approve a blueprint with validation errors and stores nothing", () =>
      withStore(async (store) => {
        const { runtime, projectId, source, target } = await setup(store);
        const body = orderBody(source, target);
        body.steps = [
          ...body.steps,
          { id: "notify", kind: "notify", connector: "con_nowhere", template: "{ 'text': " },
        ];
        const draft = await runtime.blueprints.create(projectId, { name: "broken", body });
        const auditBefore = (await runtime.audit.list({ entityId: draft.id })).items;
        const error = await runtime.blueprints.approve(draft.id).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(BlueprintInvalidError);
        expect(error).toMatchObject({ code: "BLUEPRINT_INVALID", path: "/steps/3/template" });
        const report = (error as BlueprintInvalidError).report;
        expect(report.issues.map((i) => [i.code, i.path])).toEqual(
          expect.arrayContaining([
            ["EXPRESSION_INVALID", "/steps/3/template"],
            ["CONNECTOR_UNKNOWN", "/steps/3/connector"],
          ]),
        );
        expect(await runtime.blueprints.get(draft.id)).toEqual(draft);
        expect((await runtime.audit.list({ entityId: draft.id })).items).toEqual(auditBefore);
      }));

    it("turns a stale expectedRevision into a ConflictError", () =>
      withStore(async (store) => {
        const { runtime, projectId, source, target } = await setup(store);
        const draft = await runtime.blueprints.create(projectId, {
          name: "orders",
          body: orderBody(source, target),
        });
        await runtime.blueprints.edit(draft.id, { patch: { description: "a" }, expectedRevision: 1 });
        await expect(
          runtime.blueprints.edit(draft.id, { patch: { description: "b" }, expectedRevision: 1 }),
        ).rejects.toMatchObject({
          code: "CONFLICT",
          path: "/expectedRevision",
        });
        expect((await runtime.blueprints.get(draft.id)).revision).toBe(2);
      }));

    it("lets one of two concurrent edits of the same revision win; the other gets ConflictError", () =>
      withStore(async (store) => {
        // Hold each save until both edits have read the blueprint, so they really race.
        let arrived = 0;
        let release: () => void = () => {};
        const bothRead = new Promise<void>((resolve) => {
          release = resolve;
        });
        const racing: Store = {
          ...store,
          saveBlueprint: async (write) => {
            arrived += 1;
            if (arrived === 2) release();
            await bothRead;
            return store.saveBlueprint(write);
          },
        };
        const { runtime, projectId, source, target } = await setup(racing);
        const draft = await runtime.blueprints.create(projectId, {
          name: "orders",
          body: orderBody(source, target),
        });
        const results = await Promise.allSettled([
          runtime.blueprints.edit(draft.id, { patch: { description: "left" } }),
          runtime.blueprints.edit(draft.id, { patch: { description: "right" } }),
        ]);
        const won = results.filter((r) => r.status === "fulfilled");
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(lost[0]?.reason).toBeInstanceOf(ConflictError);
        const revisions = await runtime.blueprints.revisions.list(draft.id);
        expect(revisions.items.map((r) => r.revision)).toEqual([1, 2]);
      }));

    it("rejects invalid project, environment and connector input with paths", () =>
      withStore(async (store) => {
        const { runtime, projectId } = await setup(store);
        await expect(runtime.projects.create({ name: "" })).rejects.toMatchObject({
          code: "INVALID_INPUT",
          path: "/name",
        });
        await expect(runtime.environments.put(projectId, { name: "Prod!" } as never)).rejects.toMatchObject({
          path: "/name",
        });
        await expect(
          runtime.connectorRefs.put(projectId, {
            type: "test-target",
            name: "x",
            config: { url: "not a url" },
          }),
        ).rejects.toMatchObject({ code: "CONNECTOR_INVALID", path: "/config/url" });
        expect((await runtime.connectorRefs.list(projectId)).length).toBe(2);
      }));
  });

  describe.skipIf(Boolean(skip))("validation report", () => {
    it("finds reference, expression, policy, sample and annotation problems with their paths", () =>
      withStore(async (store) => {
        const { runtime, projectId, source, target } = await setup(store);
        const body = orderBody(source, target);
        body.mappings = [
          {
            id: "order",
            rules: [{ target: "orderId", from: "id" }],
            samples: [{ input: { id: "o-1" }, output: { orderId: "o-2" } }],
          },
          { id: "broken", expression: "{ 'a': ", samples: [] },
        ];
        body.steps = [
          { id: "map", kind: "map", mapping: "order" },
          { id: "map2", kind: "map", mapping: "missing" },
          { id: "lookup", kind: "lookup", connector: target, into: "erp" },
          {
            id: "send",
            kind: "send",
            connector: source,
            policy: { retry: { initialDelayMs: 5000, maxDelayMs: 100 } },
          },
        ];
        body.annotations = [{ id: "a", target: "step:ghost", condition: "((", message: "m" }];
        const draft = await runtime.blueprints.create(projectId, { name: "orders", body });
        const report = await runtime.blueprints.validate(draft.id);
        expect(report.ok).toBe(false);
        const found = report.issues.map((i) => `${i.severity} ${i.code} ${i.path}`);
        expect(found).toEqual(
          expect.arrayContaining([
            "error MAPPING_UNKNOWN /steps/1/mapping",
            "error CONNECTOR_CAPABILITY_MISSING /steps/2/connector",
            "error CONNECTOR_CAPABILITY_MISSING /steps/3/connector",
            "error POLICY_INVALID /steps/3/policy/retry",
            "error SAMPLE_MISMATCH /mappings/0/samples/0",
            "error MAPPING_INVALID /mappings/1/expression",
            "error ANNOTATION_CONDITION_INVALID /annotations/0/condition",
            "error ANNOTATION_TARGET_UNKNOWN /annotations/0/target",
            "info MAPPING_UNUSED /mappings/1",
          ]),
        );
        expect(report.summary.error).toBe(report.issues.filter((i) => i.severity === "error").length);
        expect((await runtime.blueprints.get(draft.id)).status).toBe("DRAFT");
      }));

    it("moves a VALIDATED blueprint back to DRAFT when a referenced connector disappears", () =>
      withStore(async (store) => {
        const { runtime, projectId, source, target } = await setup(store);
        const draft = await runtime.blueprints.create(projectId, {
          name: "orders",
          body: orderBody(source, target),
        });
        expect((await runtime.blueprints.validate(draft.id)).ok).toBe(true);
        await runtime.connectorRefs.remove(target);
        const report = await runtime.blueprints.validate(draft.id);
        expect(report.issues.find((i) => i.code === "CONNECTOR_UNKNOWN")?.path).toBe("/target/connector");
        expect((await runtime.blueprints.get(draft.id)).status).toBe("DRAFT");
      }));
  });

  describe.skipIf(Boolean(skip))("generation", () => {
    it("generates a DRAFT with a proposed mapping that validates", () =>
      withStore(async (store) => {
        const { runtime, projectId, source, target } = await setup(store);
        const generated = await runtime.blueprints.generate(projectId, {
          source: {
            connector: source,
            schema: {
              type: "object",
              properties: {
                id: { type: "string" },
                email: { type: "string" },
                first_name: { type: "string" },
              },
            },
          },
          target: {
            connector: target,
            schema: {
              type: "object",
              required: ["email", "firstName", "vatNumber"],
              properties: {
                email: { type: "string" },
                firstName: { type: "string" },
                vatNumber: { type: "string" },
              },
            },
          },
          intent: "sync customers",
        });
        expect(generated.status).toBe("DRAFT");
        expect(generated.suggestion.unmatched).toEqual(["vatNumber"]);
        const body = await runtime.blueprints.body(generated.id);
        expect(body.idempotencyKey).toBe("id");
        expect(body.mappings[0]?.rules).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ target: "email", from: "email" }),
            expect.objectContaining({ target: "firstName", from: "first_name" }),
          ]),
        );
        const report = await runtime.blueprints.validate(generated.id);
        expect(report.ok).toBe(true);
        expect(report.issues.map((i) => i.code)).toContain("SAMPLES_MISSING");
      }));
  });

  describe.skipIf(Boolean(skip))("projects", () => {
    it("lists projects with cursor pagination and audits updates", () =>
      withStore(async (store) => {
        const { runtime } = await setup(store);
        const extra = await runtime.projects.create({ name: "second", description: "d" });
        const updated = await runtime.projects.update(extra.id, { name: "renamed" });
        expect(updated.name).toBe("renamed");
        const first = await runtime.projects.list({ limit: 1 });
        expect(first.nextCursor).toBeDefined();
        const all = [...first.items, ...(await runtime.projects.list({ cursor: first.nextCursor! })).items];
        expect(all.map((p) => p.id)).toContain(extra.id);
        const audit = await runtime.audit.list({ entityId: extra.id });
        expect(audit.items.map((e) => e.action)).toEqual(["create", "update"]);
        expect(audit.items[1]?.beforeHash).not.toBe(audit.items[1]?.afterHash);
        await runtime.environments.put(extra.id, {
          name: "sandbox",
          kind: "sandbox",
          baseUrl: "http://127.0.0.1:9",
        });
        expect((await runtime.environments.list(extra.id)).map((e) => e.kind)).toEqual(["sandbox"]);
      }));
  });
});

describe("errors at the edge", () => {
  it("wraps a store failure into a SynapseError that keeps its cause", async () => {
    const store = memoryStore();
    const broken: Store = { ...store, getProject: () => Promise.reject(new TypeError("socket closed")) };
    const { createRuntime } = await import("@synapseops/core");
    const runtime = createRuntime({ store: broken });
    const error = await runtime.projects.get("prj_x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SynapseError);
    expect(error).toMatchObject({ code: "INTERNAL" });
    expect((error as Error).cause).toBeInstanceOf(TypeError);
  });
});
