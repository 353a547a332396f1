import type { AddressInfo } from "node:net";
import type { Blueprint, BlueprintRevision, Project } from "@synapseops/core";
import type { AccessOptions } from "../src/auth/access";
import { orderSchema, salesOrderSchema } from "../src/fixtures";
import { type HttpClient, httpClient } from "../src/http-client";
import { buildServer, type RouteEntry } from "../src/server";
import {
  createServiceRuntime,
  type ServiceRuntime,
  type ServiceRuntimeOptions,
} from "../src/service-runtime";

/** A running service on a free port, with a real HTTP client pointed at it. */
export interface TestService {
  baseUrl: string;
  /** A client with the bootstrap admin's token (admin on every project). */
  api: HttpClient;
  /** The bootstrap admin's API token. */
  adminToken: string;
  /** Every route of the app (Fastify's route table). */
  routes: readonly RouteEntry[];
  service: ServiceRuntime;
  close(): Promise<void>;
}

/** Starts the service on 127.0.0.1 (a free port unless `port` is given; memory store unless options say otherwise). */
export async function startService(
  options: ServiceRuntimeOptions = {},
  access: AccessOptions = {},
  port = 0,
): Promise<TestService> {
  const service = await createServiceRuntime(options);
  const app = await buildServer(service, { logger: false, access });
  await app.listen({ port, host: "127.0.0.1" });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    api: httpClient(baseUrl, { token: service.adminToken.token }),
    adminToken: service.adminToken.token,
    routes: app.routeTable,
    service,
    async close() {
      await app.close();
      await service.runtime.close();
    },
  };
}

/** A project with a memory source ("orders") and a sandbox target on `channel`, and a generated DRAFT. */
export async function generatedDraft(
  api: HttpClient,
  channel = "erp",
): Promise<{ project: Project; blueprint: Blueprint }> {
  const project = (await api.post<Project>("/projects", { name: "Shop → ERP" })).body;
  const shop = await api.post<{ id: string }>(`/projects/${project.id}/connectors`, {
    type: "memory",
    name: "Shop",
    config: { channel: "orders" },
  });
  const erp = await api.post<{ id: string }>(`/projects/${project.id}/connectors`, {
    type: "sandbox",
    name: "ERP",
    config: { channel },
  });
  const generated = await api.post<Blueprint>(`/projects/${project.id}/blueprints`, {
    intent: "send shop orders to the ERP",
    source: { connector: shop.body.id, schema: orderSchema },
    target: { connector: erp.body.id, schema: salesOrderSchema },
  });
  if (generated.status !== 201)
    throw new Error(`generate answered ${generated.status}: ${JSON.stringify(generated.body)}`);
  return { project, blueprint: generated.body };
}

/** An approved blueprint whose send step retries once after an hour, parked meanwhile. */
export async function hourlyRetryBlueprint(api: HttpClient, channel: string): Promise<Blueprint> {
  const { blueprint } = await generatedDraft(api, channel);
  const head = await api.get<BlueprintRevision>(
    `/blueprints/${blueprint.id}/revisions/${blueprint.revision}`,
  );
  const steps = head.body.body.steps.map((step) =>
    step.kind === "send"
      ? { ...step, policy: { retry: { delaysMs: [3_600_000], parkAfterMs: 60_000 } } }
      : step,
  );
  const edited = await api.patch<Blueprint>(`/blueprints/${blueprint.id}`, {
    expectedRevision: blueprint.revision,
    patch: { steps },
  });
  if (edited.status !== 200)
    throw new Error(`edit answered ${edited.status}: ${JSON.stringify(edited.body)}`);
  const approved = await api.post(`/blueprints/${blueprint.id}/approve`);
  if (approved.status !== 200) throw new Error(`approve answered ${approved.status}`);
  return edited.body;
}

/** Drops what a service on PostgreSQL (and BullMQ) left under `namespace`: its schema and its Redis keys. */
export async function dropNamespace(
  postgresUrl: string,
  redisUrl: string | undefined,
  namespace: string,
): Promise<void> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${namespace}" CASCADE`);
  await client.end();
  if (redisUrl === undefined) return;
  const { Redis } = await import("ioredis");
  const connection = new Redis(redisUrl);
  const keys = await connection.keys(`${namespace}:*`);
  if (keys.length > 0) await connection.del(...keys);
  connection.disconnect();
}
