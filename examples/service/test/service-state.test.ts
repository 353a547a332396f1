// Issue 23: on PostgreSQL the service keeps its users, API tokens and alert rules across a
// restart (they lived in memory only); the bootstrap admin's token is issued again, not kept.
import { checkTestService } from "@synapseops/core/testing";
import { afterAll, expect, it } from "vitest";
import { httpClient } from "../src/http-client";
import { dropNamespace, generatedDraft, startService, type TestService } from "./helpers";

const postgres = await checkTestService("postgres");
const namespace = `console23_state_${Date.now().toString(36)}`;
const ADMIN_TOKEN = `syn_${"a".repeat(43)}`;
let service: TestService | undefined;

afterAll(async () => {
  await service?.close();
  if (!postgres.skip) await dropNamespace(postgres.url, undefined, namespace);
});

const start = (): Promise<TestService> =>
  startService({ databaseUrl: postgres.url, namespace, bootstrapAdmin: { token: ADMIN_TOKEN } });

it.skipIf(postgres.skip)("keeps users, tokens and alert rules across a restart on PostgreSQL", async () => {
  service = await start();
  const { project, blueprint } = await generatedDraft(service.api, "erp-state");
  const channel = await service.api.post<{ id: string }>(`/projects/${project.id}/connectors`, {
    type: "slack",
    name: "ops",
    config: { webhookUrl: "http://127.0.0.1:9/hook" },
  });
  const user = await service.api.post("/users", {
    name: "kept",
    password: "kept-long-password",
    grants: { [project.id]: "viewer" },
  });
  expect(user.status).toBe(201);
  const kept = await service.api.post<{ id: string; token: string }>("/tokens", {
    name: "kept",
    projectId: project.id,
    role: "viewer",
  });
  const revoked = await service.api.post<{ id: string; token: string }>("/tokens", {
    name: "revoked",
    projectId: project.id,
    role: "viewer",
  });
  const revoke = await fetch(`${service.baseUrl}/tokens/${revoked.body.id}`, {
    method: "DELETE",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  expect(revoke.status).toBe(204);
  const rule = await service.api.post<{ id: string }>(`/projects/${project.id}/alerts`, {
    blueprintId: blueprint.id,
    metric: "deadLetters",
    threshold: 1,
    channel: channel.body.id,
  });
  expect(rule.status).toBe(201);
  const listTokens = async (): Promise<{ id: string; name: string }[]> =>
    (await service!.api.get<{ items: { id: string; name: string }[] }>("/tokens")).body.items;
  const tokensBefore = await listTokens();
  await service.close();
  service = undefined;

  service = await start();
  const asKept = httpClient(service.baseUrl, { token: kept.body.token });
  expect((await asKept.get(`/projects/${project.id}`)).status).toBe(200);
  const asRevoked = httpClient(service.baseUrl, { token: revoked.body.token });
  expect((await asRevoked.get(`/projects/${project.id}`)).status).toBe(401);
  const login = await fetch(`${service.baseUrl}/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "kept", password: "kept-long-password" }),
  });
  expect(login.status).toBe(200);
  const rules = await service.api.get<{ items: { id: string }[] }>(`/projects/${project.id}/alerts`);
  expect(rules.body.items.map((r) => r.id)).toEqual([rule.body.id]);
  // The same tokens as before the restart, and one bootstrap admin's (issued again, not kept).
  const tokensAfter = await listTokens();
  const own = (list: { name: string }[]) => list.filter((t) => t.name !== "bootstrap admin");
  expect(own(tokensAfter)).toEqual(own(tokensBefore));
  expect(own(tokensAfter).map((t) => t.name)).toEqual(["kept"]);
  expect(tokensAfter.filter((t) => t.name === "bootstrap admin")).toHaveLength(1);
});
