import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineConnector } from "../../connector";
import { memoryStore } from "../../store/memory-store";
import { sampleAudit, sampleBody, sampleProject } from "../../testing/fixtures";
import { Redactor } from "../observe/redactor";
import type { PlanDeps } from "./bind-connector";
import { createPlanCache } from "./plan-cache";

// Issue 21: a one-record run's plan is kept per revision, with the versions of the refs it was
// bound from (read before binding), and its secrets asked again for every run.
const http = defineConnector({
  type: "http",
  version: "1.0.0",
  configSchema: z.object({}),
  secrets: ["token"],
  capabilities: { write: async () => undefined },
});

async function setup() {
  const store = memoryStore();
  const project = sampleProject();
  await store.insertProject(project, sampleAudit({ entityId: project.id }));
  const ref = {
    id: "con_target",
    projectId: project.id,
    type: "http",
    name: "Target",
    config: {},
    secrets: { token: "TOKEN" },
    createdAt: project.createdAt,
    updatedAt: project.updatedAt,
  };
  await store.putConnectorRef(ref, sampleAudit({ entityId: ref.id }));
  const secrets = new Map([["TOKEN", "t1"]]);
  let refReads = 0;
  const deps: PlanDeps = {
    store: new Proxy(store, {
      get: (target, property, receiver) => {
        if (property === "getConnectorRef") refReads += 1;
        return Reflect.get(target, property, receiver);
      },
    }),
    connectors: new Map([["http", http]]),
    secrets: { name: "test", get: async (key) => secrets.get(key) },
    redactor: new Redactor(),
  };
  const key = { blueprintId: "bp_1", revision: 1, projectId: project.id };
  return { store, ref, secrets, deps, key, refReads: () => refReads };
}

describe("plan cache", () => {
  it("keeps a plan per revision with its refs' versions; binds again when secrets change or it is forgotten", async () => {
    const { store, ref, secrets, deps, key, refReads } = await setup();
    const cache = createPlanCache();
    const body = sampleBody();
    const first = await cache.plan(deps, key, body);
    expect(cache.versionsOf(first)).toEqual(await store.oneRecordRuns!.connectorRefVersions([ref.id]));
    expect(await cache.plan(deps, key, body)).toBe(first);
    expect(refReads()).toBe(1);
    // Another revision is another plan.
    expect(await cache.plan(deps, { ...key, revision: 2 }, body)).not.toBe(first);

    secrets.set("TOKEN", "t2");
    const rotated = await cache.plan(deps, key, body);
    expect(rotated).not.toBe(first);
    expect(rotated.steps.find((step) => step.kind === "send")).toMatchObject({
      target: { secrets: { token: "t2" } },
    });

    cache.forget(rotated);
    expect(cache.versionsOf(rotated)).toBeUndefined();
    expect(await cache.plan(deps, key, body)).not.toBe(rotated);
  });

  it("does not keep a plan whose ref has no version to check (deleted meanwhile)", async () => {
    const { store, ref, deps, key } = await setup();
    const cache = createPlanCache();
    const versionsFirst = {
      ...deps,
      store: new Proxy(store, {
        get: (target, property, receiver) =>
          property === "oneRecordRuns"
            ? { ...target.oneRecordRuns!, connectorRefVersions: async () => [] }
            : Reflect.get(target, property, receiver),
      }),
    };
    const plan = await cache.plan(versionsFirst, key, sampleBody());
    expect(plan.steps.some((step) => "target" in step && step.target.ref.id === ref.id)).toBe(true);
    expect(cache.versionsOf(plan)).toBeUndefined();
    expect(await cache.plan(versionsFirst, key, sampleBody())).not.toBe(plan);
  });
});
