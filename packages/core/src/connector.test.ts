import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { defineConnector } from "./connector";

describe("defineConnector", () => {
  const crm = defineConnector({
    type: "my-crm",
    version: "1.0.0",
    configSchema: z.object({ baseUrl: z.url(), pageSize: z.int().min(1).default(50) }),
    secrets: ["apiKey"],
    capabilities: { write: async (config, record) => ({ to: config.baseUrl, record }) },
  });

  it("infers the config type and applies schema defaults", () => {
    const config = crm.parseConfig({ baseUrl: "https://crm.example.com" });
    expectTypeOf(config).toEqualTypeOf<{ baseUrl: string; pageSize: number }>();
    expect(config).toEqual({ baseUrl: "https://crm.example.com", pageSize: 50 });
    expect(crm.secrets).toEqual(["apiKey"]);
  });

  it("reports a bad config with the pointer of the field", () => {
    expect(() => crm.parseConfig({ baseUrl: "https://x", pageSize: 0 })).toThrow(
      expect.objectContaining({ code: "CONNECTOR_INVALID", path: "/pageSize" }),
    );
    expect(() => crm.parseConfig({})).toThrow(/config \/baseUrl/);
  });

  it("refuses bad type names and connectors without capabilities", () => {
    const base = { version: "1", configSchema: z.object({}) };
    expect(() =>
      defineConnector({ ...base, type: "My CRM", capabilities: { test: async () => {} } }),
    ).toThrow(expect.objectContaining({ code: "CONNECTOR_INVALID", path: "/type" }));
    expect(() => defineConnector({ ...base, type: "empty", capabilities: {} })).toThrow(/no capability/);
  });

  it("refuses secret fields that are not pointers to fields of the config schema", () => {
    const configSchema = z.object({
      hook: z.object({ url: z.url() }).optional(),
      urls: z.record(z.string(), z.url()).default({}),
      auth: z.discriminatedUnion("type", [z.object({ type: z.literal("basic"), password: z.string() })]),
    });
    const define = (secretFields: string[]) =>
      defineConnector({
        type: "hooks",
        version: "1",
        configSchema,
        secretFields,
        capabilities: { test: async () => {} },
      });
    expect(define(["/hook/url", "/urls/*", "/auth/password"]).secretFields).toEqual([
      "/hook/url",
      "/urls/*",
      "/auth/password",
    ]);
    expect(() => define(["/hook/url", "hook"])).toThrow(
      expect.objectContaining({ code: "CONNECTOR_INVALID", path: "/secretFields/1" }),
    );
    expect(() => define(["/hook/uri"])).toThrow(
      /secret field "\/hook\/uri" is not a field of its config schema/,
    );
    expect(() => define(["/hook//url"])).toThrow(expect.objectContaining({ path: "/secretFields/0" }));
  });
});
