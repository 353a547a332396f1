// issue 23: the runtime asks the host's authorize before design-time writes.
import { type AuthorizeAction, createRuntime, ForbiddenError } from "@synapseops/core";
import { describe, expect, it } from "vitest";
import { memoryTarget, orderBody, readOnlySource } from "../test/_runtime-fixtures";

describe("authorize (the host's decision seam)", () => {
  it("allows everything by default", async () => {
    const runtime = createRuntime({ connectors: [memoryTarget, readOnlySource] });
    const project = await runtime.projects.create({ name: "P" });
    const source = await runtime.connectorRefs.put(project.id, { type: "test-source", name: "S" });
    const ref = await runtime.connectorRefs.put(project.id, { type: "test-target", name: "T" });
    const created = await runtime.blueprints.create(project.id, {
      name: "B",
      body: orderBody(source.id, ref.id),
    });
    await expect(runtime.blueprints.approve(created.id)).resolves.toMatchObject({ status: "APPROVED" });
    await expect(runtime.authorize("anyone", "run.start", { type: "blueprint" })).resolves.toBeUndefined();
  });

  it("refuses an approval the host refuses, with the actor and project it was asked about", async () => {
    const asked: [string, AuthorizeAction, string | undefined][] = [];
    const runtime = createRuntime({
      connectors: [memoryTarget, readOnlySource],
      authorize: (actor, action, resource) => {
        asked.push([actor, action, resource.projectId]);
        return action !== "blueprint.approve" || actor === "ada";
      },
    });
    const project = await runtime.projects.create({ name: "P" });
    const source = await runtime.connectorRefs.put(project.id, { type: "test-source", name: "S" });
    const ref = await runtime.connectorRefs.put(project.id, { type: "test-target", name: "T" });
    const created = await runtime.blueprints.create(
      project.id,
      { name: "B", body: orderBody(source.id, ref.id) },
      { actor: "bob" },
    );
    const refused = await runtime.blueprints.approve(created.id, { actor: "bob" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ForbiddenError);
    expect(refused).toMatchObject({ code: "FORBIDDEN", action: "blueprint.approve" });
    expect((await runtime.blueprints.get(created.id)).status).toBe("DRAFT");
    const approved = await runtime.blueprints.approve(created.id, { actor: "ada" });
    expect(approved.status).toBe("APPROVED");
    expect(asked).toContainEqual(["bob", "blueprint.create", project.id]);
    expect(asked).toContainEqual(["ada", "blueprint.approve", project.id]);
    const audit = await runtime.audit.list({ entityId: created.id });
    expect(audit.items.find((e) => e.action === "approve")?.actor).toBe("ada");
    await expect(runtime.authorize("bob", "blueprint.approve", { type: "blueprint" })).rejects.toThrow(
      /"bob" may not blueprint.approve on blueprint/,
    );
  });
});
