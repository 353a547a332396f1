import { connectorRegistry, connectorService, createRuntime, nameBasedSuggester } from "@synapseops/core";
import { afterAll, expect, it } from "vitest";
import { json, startLocalServer } from "../../test/local-server";
import { http, memorySecrets } from "../index";

// The path a host takes: a ref with secret names, environments with their own base URL and keys,
// a SecretProvider, and a connection test per environment.
const api = await startLocalServer((request, response) =>
  request.headers.authorization === "Bearer sandbox-token"
    ? json(response, 200, { ok: true })
    : json(response, 401, { error: "bad token" }),
);
afterAll(() => api.close());

it("tests an http ref per environment with secrets resolved by the provider", async () => {
  const connectors = [http()];
  const runtime = createRuntime({ connectors });
  const secrets = memorySecrets({ ERP_TOKEN: "prod-token" }, { sandbox: { ERP_TOKEN: "sandbox-token" } });
  const registered: string[] = [];
  const service = connectorService({
    store: runtime.store,
    logger: runtime.logger,
    suggester: nameBasedSuggester(),
    connectors: connectorRegistry(connectors),
    actor: "test",
    clock: () => new Date(),
    secrets,
    registerSecret: (value) => registered.push(value),
  });
  const project = await runtime.projects.create({ name: "p" });
  await runtime.environments.put(project.id, { name: "sandbox", baseUrl: api.url });
  await runtime.environments.put(project.id, { name: "production", baseUrl: api.url });
  const ref = await runtime.connectorRefs.put(project.id, {
    type: "http",
    name: "ERP",
    config: { auth: { type: "bearer" } },
    secrets: { token: "ERP_TOKEN" },
  });
  expect(await service.test(ref.id, { environment: "sandbox" })).toMatchObject({ ok: true });
  expect(await service.test(ref.id, { environment: "production" })).toMatchObject({
    ok: false,
    error: { code: "CONNECTOR_FAILED", message: expect.stringContaining("401 Unauthorized") },
  });
  expect(registered).toEqual(["sandbox-token", "prod-token"]);
  // Without an environment there is no base URL: a config error, reported not thrown.
  expect(await service.test(ref.id)).toMatchObject({
    ok: false,
    error: { code: "CONNECTOR_INVALID", path: "/baseUrl" },
  });
});
