// issue 23: a project's environments from the API — create, replace, list, audited with the real actor.
import type { Environment, Project } from "@synapseops/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startService, type TestService } from "./helpers";

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.close();
});

it("creates and replaces an environment by name, lists it and records who changed it", async () => {
  const { api } = service;
  const project = (await api.post<Project>("/projects", { name: "Envs" })).body;
  const created = await api.put<Environment>(`/projects/${project.id}/environments/uat`, {
    kind: "uat",
    baseUrl: "https://uat.example.test",
    variables: { region: "eu" },
    secrets: { apiKey: "erp/uat/api-key" },
  });
  expect(created.status).toBe(200);
  expect(created.body).toMatchObject({ projectId: project.id, name: "uat", kind: "uat" });

  const replaced = await api.put<Environment>(`/projects/${project.id}/environments/uat`, {
    kind: "uat",
    variables: { region: "us" },
  });
  expect(replaced.body.variables).toEqual({ region: "us" });
  expect(replaced.body.createdAt).toBe(created.body.createdAt);

  const list = await api.get<Environment[]>(`/projects/${project.id}/environments`);
  expect(list.body.map((e) => [e.name, e.variables.region])).toEqual([["uat", "us"]]);

  const audit = await api.get<{ items: { entityType: string; action: string; actor: string }[] }>(
    `/projects/${project.id}/audit?limit=500`,
  );
  const changes = audit.body.items.filter((e) => e.entityType === "environment");
  expect(changes.map((e) => e.action)).toEqual(["create", "update"]);
  for (const change of changes) expect(change.actor).toMatch(/^token:/);
});

it("points at the field of a bad environment: its name in the path, its base URL in the body", async () => {
  const { api } = service;
  const project = (await api.post<Project>("/projects", { name: "Bad envs" })).body;
  const badName = await api.put(`/projects/${project.id}/environments/Prod!`, {});
  expect(badName.status).toBe(400);
  const badUrl = await api.put<{ pointer?: string }>(`/projects/${project.id}/environments/prod`, {
    baseUrl: "not a url",
  });
  expect(badUrl.status).toBe(400);
  expect(badUrl.body.pointer).toBe("/baseUrl");
  expect((await api.get<Environment[]>(`/projects/${project.id}/environments`)).body).toEqual([]);
});
