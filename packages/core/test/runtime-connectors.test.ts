import { ConnectorError, createRuntime, defineConnector, type SecretProvider } from "@synapseops/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";

describe("runtime.connectors", () => {
  const crm = defineConnector({
    type: "crm",
    version: "1.0.0",
    configSchema: z.object({ up: z.boolean() }),
    secrets: ["apiKey"],
    capabilities: {
      async test(config, context) {
        if (!config.up)
          throw new ConnectorError(`crm rejected key ${context.secrets.apiKey}`, {
            retryable: false,
            status: 401,
          });
      },
    },
  });
  const secrets: SecretProvider = {
    name: "memory",
    get: async (key) => (key === "CRM_KEY" ? "crm-secret-value" : undefined),
  };

  it("tests refs with their resolved secrets and reports a failing peer without throwing", async () => {
    const runtime = createRuntime({ connectors: [crm], secrets });
    const project = await runtime.projects.create({ name: "p" });
    const up = await runtime.connectorRefs.put(project.id, {
      type: "crm",
      name: "up",
      config: { up: true },
      secrets: { apiKey: "CRM_KEY" },
    });
    const down = await runtime.connectorRefs.put(project.id, {
      type: "crm",
      name: "down",
      config: { up: false },
      secrets: { apiKey: "CRM_KEY" },
    });
    expect(runtime.connectors.types.get("crm")).toBe(crm);
    expect(await runtime.connectors.test(up.id)).toMatchObject({ ok: true, type: "crm", refId: up.id });
    const failed = await runtime.connectors.test(down.id);
    expect(failed).toMatchObject({ ok: false, error: { code: "CONNECTOR_FAILED" } });
    expect(JSON.stringify(failed)).not.toContain("crm-secret-value");
    expect(await runtime.connectors.health(up.id)).toEqual({ ok: true });
    await expect(runtime.connectors.test("con_missing")).rejects.toMatchObject({ code: "NOT_FOUND" });
    const missing = await runtime.connectorRefs.put(project.id, {
      type: "crm",
      name: "nokey",
      config: { up: true },
    });
    await expect(runtime.connectors.test(missing.id)).rejects.toMatchObject({
      code: "CONNECTOR_INVALID",
      path: "/secrets/apiKey",
    });
    await runtime.close();
  });
});

describe("runtime.connectors.health with a blueprint (issue 8: lag relative to the stored cursor)", () => {
  it("hands the blueprint's stored source cursor to the connector's health", async () => {
    const seen: unknown[] = [];
    const source = defineConnector({
      type: "rows",
      version: "1.0.0",
      configSchema: z.object({}),
      capabilities: {
        async health(_config, _context, options) {
          seen.push(options?.cursor);
          return { ok: true, detail: { lag: 0 } };
        },
      },
    });
    const runtime = createRuntime({ connectors: [source] });
    const project = await runtime.projects.create({ name: "p" });
    const ref = await runtime.connectorRefs.put(project.id, { type: "rows", name: "rows" });
    await runtime.store.putCursor("bp_x:source", 42);
    await runtime.connectors.health(ref.id, { blueprintId: "bp_x" });
    await runtime.connectors.health(ref.id, { blueprintId: "bp_without_cursor" });
    await runtime.connectors.health(ref.id);
    expect(seen).toEqual([42, undefined, undefined]);
  });
});
