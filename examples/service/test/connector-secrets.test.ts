// issue 23: credential-looking connector config values are write-only — answers hide them, and a
// write that sends the marker back keeps the stored value.
import { randomBytes } from "node:crypto";
import type { ConnectorRef, Project } from "@synapseops/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { HIDDEN_SECRET } from "../src/connector-secrets";
import { startService, type TestService } from "./helpers";

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.close();
});

it("never answers with a secret config value, and keeps it when the marker comes back", async () => {
  const { api } = service;
  const project = (await api.post<Project>("/projects", { name: "Secrets" })).body;
  const apiKey = `key-${randomBytes(12).toString("hex")}`;
  const password = `pw-${randomBytes(12).toString("hex")}`;
  const created = await api.post<ConnectorRef>(`/projects/${project.id}/connectors`, {
    type: "memory",
    name: "Shop",
    config: { channel: "orders", apiKey, auth: { password, user: "shop" } },
  });
  expect(created.status).toBe(201);
  expect(created.body.config).toEqual({
    channel: "orders",
    apiKey: HIDDEN_SECRET,
    auth: { password: HIDDEN_SECRET, user: "shop" },
  });
  const listed = await api.get<ConnectorRef[]>(`/projects/${project.id}/connectors`);
  expect(JSON.stringify(listed.body)).not.toContain(apiKey);
  expect(JSON.stringify(listed.body)).not.toContain(password);

  // The console saves the form as it shows it: markers back, a new name and channel.
  const updated = await api.post<ConnectorRef>(`/projects/${project.id}/connectors`, {
    ...listed.body[0],
    name: "Shop (EU)",
    config: { ...listed.body[0]!.config, channel: "orders-eu" },
  });
  expect(updated.status).toBe(200);
  expect(updated.body.name).toBe("Shop (EU)");
  const stored = await service.service.runtime.connectorRefs.get(created.body.id);
  expect(stored.config).toEqual({ channel: "orders-eu", apiKey, auth: { password, user: "shop" } });

  // A new value replaces the stored one; a marker with nothing stored behind it is left out.
  await api.post(`/projects/${project.id}/connectors`, {
    id: created.body.id,
    type: "memory",
    name: "Shop (EU)",
    config: { channel: "orders-eu", apiKey: "rotated", token: HIDDEN_SECRET },
  });
  expect((await service.service.runtime.connectorRefs.get(created.body.id)).config).toEqual({
    channel: "orders-eu",
    apiKey: "rotated",
  });
});
