import { describe, expect, it } from "vitest";
import { z } from "zod";
import { connectorRegistry, defineConnector } from "./connector";
import { connectorService } from "./connector-service";
import { silentLogger } from "./logger";
import { createRuntime } from "./runtime";
import type { SecretProvider } from "./secret-provider";
import { nameBasedSuggester } from "./suggester";

const seen: Array<{ secrets: Record<string, string>; env: string; baseUrl?: string }> = [];
const crm = defineConnector({
  type: "crm",
  version: "1.0.0",
  configSchema: z.object({ url: z.url() }),
  secrets: ["apiKey"],
  capabilities: {
    async test(config, context) {
      seen.push({
        secrets: { ...context.secrets },
        env: context.environment.name,
        ...(context.environment.baseUrl ? { baseUrl: context.environment.baseUrl } : {}),
      });
      if (config.url.includes("down")) throw new Error("connection refused");
    },
  },
});

const provider: SecretProvider = {
  name: "fake",
  async get(key, context) {
    const values: Record<string, string> = { CRM_KEY: "k-default", CRM_KEY_SANDBOX: "k-sandbox" };
    return context?.environment === "ghost" ? undefined : values[key];
  },
};

async function setup() {
  const runtime = createRuntime({ connectors: [crm] });
  const project = await runtime.projects.create({ name: "p" });
  const registered: string[] = [];
  const service = connectorService({
    store: runtime.store,
    logger: silentLogger(),
    suggester: nameBasedSuggester(),
    connectors: connectorRegistry([crm]),
    actor: "test",
    clock: () => new Date(),
    secrets: provider,
    registerSecret: (value) => registered.push(value),
  });
  return { runtime, project, service, registered };
}

describe("connectorService", () => {
  it("tests a ref with its parsed config and resolved secrets, per environment", async () => {
    const { runtime, project, service, registered } = await setup();
    const ref = await runtime.connectorRefs.put(project.id, {
      type: "crm",
      name: "CRM",
      config: { url: "https://crm.example.com" },
      secrets: { apiKey: "CRM_KEY" },
    });
    await runtime.environments.put(project.id, {
      name: "sandbox",
      baseUrl: "https://sandbox.example.com",
      secrets: { apiKey: "CRM_KEY_SANDBOX" },
    });
    seen.length = 0;
    expect(await service.test(ref.id)).toMatchObject({ ok: true, type: "crm", refId: ref.id });
    expect(await service.test(ref.id, { environment: "sandbox" })).toMatchObject({ ok: true });
    expect(seen).toEqual([
      { secrets: { apiKey: "k-default" }, env: "default" },
      { secrets: { apiKey: "k-sandbox" }, env: "sandbox", baseUrl: "https://sandbox.example.com" },
    ]);
    expect(registered).toEqual(["k-default", "k-sandbox"]);
    expect(await service.health(ref.id)).toEqual({ ok: true });
  });

  it("reports a failing peer in the result and bad refs as typed errors", async () => {
    const { runtime, project, service } = await setup();
    const down = await runtime.connectorRefs.put(project.id, {
      type: "crm",
      name: "down",
      config: { url: "https://down.example.com" },
      secrets: { apiKey: "CRM_KEY" },
    });
    expect(await service.test(down.id)).toMatchObject({
      ok: false,
      error: { code: "CONNECTOR_FAILED", message: expect.stringContaining(down.id) },
    });
    const noSecret = await runtime.connectorRefs.put(project.id, {
      type: "crm",
      name: "n",
      config: { url: "https://crm.example.com" },
    });
    await expect(service.test(noSecret.id)).rejects.toMatchObject({
      code: "CONNECTOR_INVALID",
      path: "/secrets/apiKey",
      message: expect.stringContaining('needs the secret "apiKey"'),
    });
    const unset = await runtime.connectorRefs.put(project.id, {
      type: "crm",
      name: "u",
      config: { url: "https://crm.example.com" },
      secrets: { apiKey: "NOPE" },
    });
    await expect(service.test(unset.id)).rejects.toThrow(
      /secret "apiKey" is not set \(provider "fake" has no key "NOPE"\)/,
    );
    await expect(service.test("con_missing")).rejects.toMatchObject({ code: "NOT_FOUND" });
    // A ref stored by a runtime that registered other connectors (or none).
    const untyped = createRuntime({ store: runtime.store, resumeOnStart: false });
    const other = await untyped.connectorRefs.put(project.id, { type: "other", name: "o" });
    await expect(service.test(other.id)).rejects.toMatchObject({ code: "CONNECTOR_INVALID", path: "/type" });
  });

  // issue 18: the types reject an unregistered type; a type known only at run time is refused too.
  it("refuses to put a ref whose type the runtime does not register", async () => {
    const { runtime, project } = await setup();
    const typeFromInput: string = JSON.parse('"crmm"');
    await expect(
      runtime.connectorRefs.put(project.id, {
        type: typeFromInput as "crm",
        name: "c",
        config: { url: "https://x.example" },
      }),
    ).rejects.toMatchObject({
      name: "ValidationError",
      code: "CONNECTOR_INVALID",
      path: "/type",
      message: expect.stringContaining('"crmm" is not registered (registered: crm)'),
    });
    await expect(
      runtime.connectorRefs.put(project.id, { type: "crm", name: "c", config: JSON.parse('{"url":1}') }),
    ).rejects.toMatchObject({ code: "CONNECTOR_INVALID", path: "/config/url" });
  });
});
