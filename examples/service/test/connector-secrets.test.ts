// issue 23: credential-looking connector config values are write-only — answers hide them, and a
// write that sends the marker back keeps the stored value. Review leftover: the rule was by key
// name only, so a Slack or Teams `webhookUrl` and an http URL with credentials came back in clear.
import { randomBytes } from "node:crypto";
import { http } from "@synapseops/connectors";
import { type ConnectorRef, HIDDEN_CONFIG_SECRET as HIDDEN_SECRET, type Project } from "@synapseops/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startService, type TestService } from "./helpers";

let service: TestService;
beforeAll(async () => {
  service = await startService({ connectors: [http()] });
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

const secret = (label: string): string => `${label}${randomBytes(12).toString("hex")}`;

/** Creates a ref, and checks that neither its answer nor the project's list shows `secrets`. */
async function createHidden(config: Record<string, unknown>, type: string, secrets: string[]) {
  const { api } = service;
  const project = (await api.post<Project>("/projects", { name: `Secrets ${type}` })).body;
  const created = await api.post<ConnectorRef>(`/projects/${project.id}/connectors`, {
    type,
    name: type,
    config,
  });
  expect(created.status).toBe(201);
  const listed = await api.get<ConnectorRef[]>(`/projects/${project.id}/connectors`);
  for (const value of secrets) {
    expect(JSON.stringify(created.body)).not.toContain(value);
    expect(JSON.stringify(listed.body)).not.toContain(value);
  }
  return { project, shown: listed.body[0]! };
}

it.each([
  ["slack", (token: string) => `https://hooks.slack.com/services/T0AAAA/B0BBBB/${token}`],
  [
    "teams",
    (token: string) =>
      `https://prod-07.westeurope.logic.azure.com/workflows/ab12/triggers/manual/paths/invoke?api-version=2016-06-01&sig=${token}`,
  ],
])("hides a %s channel's inline webhook URL, and keeps it when the form comes back", async (type, url) => {
  const webhookUrl = url(secret("hook"));
  const { project, shown } = await createHidden({ webhookUrl, text: '"hello"' }, type, [webhookUrl]);
  expect(shown.config).toMatchObject({ webhookUrl: HIDDEN_SECRET, text: '"hello"' });

  const saved = await service.api.post<ConnectorRef>(`/projects/${project.id}/connectors`, {
    ...shown,
    config: { ...shown.config, text: '"bye"' },
  });
  expect(saved.status).toBe(200);
  const stored = await service.service.runtime.connectorRefs.get(shown.id);
  expect(stored.config).toMatchObject({ webhookUrl, text: '"bye"' });
});

it("masks an http ref's URL credentials and credential headers, keeping the rest readable", async () => {
  const password = secret("pw");
  const apiKey = secret("key");
  const sig = secret("sig");
  const bearer = secret("bearer");
  const config = {
    baseUrl: `https://shop:${password}@api.example.com/v1?api_key=${apiKey}&region=eu`,
    baseUrls: { sandbox: `https://sandbox.example.com/hook?sig=${sig}` },
    headers: { Authorization: `Bearer ${bearer}`, "X-Tenant": "acme" },
  };
  const { project, shown } = await createHidden(config, "http", [password, apiKey, sig, bearer]);
  expect(shown.config).toMatchObject({
    baseUrl: `https://${HIDDEN_SECRET}@api.example.com/v1?api_key=${HIDDEN_SECRET}&region=eu`,
    baseUrls: { sandbox: `https://sandbox.example.com/hook?sig=${HIDDEN_SECRET}` },
    headers: { Authorization: HIDDEN_SECRET, "X-Tenant": "acme" },
  });

  // Saved as shown: every masked value stands for the stored one.
  const saved = await service.api.post<ConnectorRef>(`/projects/${project.id}/connectors`, shown);
  expect(saved.status).toBe(200);
  expect((await service.service.runtime.connectorRefs.get(shown.id)).config).toMatchObject(config);

  // A masked URL edited around its marker cannot stand for the stored one: a typed 400, nothing stored.
  const moved = shown.config.baseUrl as string;
  const edited = await service.api.post<{ code: string; pointer: string }>(
    `/projects/${project.id}/connectors`,
    { ...shown, config: { ...shown.config, baseUrl: moved.replace("api.example.com", "api.evil.test") } },
  );
  expect(edited.status).toBe(400);
  expect(edited.body).toMatchObject({ code: "CONNECTOR_INVALID", pointer: "/config/baseUrl" });
  expect((await service.service.runtime.connectorRefs.get(shown.id)).config).toMatchObject(config);
});
