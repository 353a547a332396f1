import type { Blueprint, DeadLetter, Page, Project, Run, RunEvent } from "@synapseops/core";
import { unzipSync } from "fflate";
import { orderSchema, salesOrderSchema, sampleOrders } from "./fixtures";
import { type HttpAnswer, httpClient } from "./http-client";
import type { Problem } from "./problem";

/** Fails the demo (exit 1) when an answer is not what the walk expects. */
function expectStatus<T>(answer: HttpAnswer<T>, status: number, what: string): T {
  if (answer.status !== status) {
    throw new Error(`${what}: expected HTTP ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return answer.body;
}

/**
 * A scripted walk through the API over real HTTP: project → connectors → generated blueprint →
 * a stale edit refused (409) → edit → validate → approve → a run where the sandbox ERP rejects
 * one order → its dead letter → replay once the ERP accepts it → export zip → OpenAPI document.
 */
export async function runDemo(baseUrl: string, token: string, print: (line: string) => void): Promise<void> {
  const api = httpClient(baseUrl, { token });
  const show = (title: string, value: unknown): void =>
    print(`\n== ${title}\n${typeof value === "string" ? value : JSON.stringify(value, null, 2)}`);

  const health = expectStatus(await api.get<{ ok: boolean; engines: string }>("/health"), 200, "health");
  show("health", { ok: health.ok, engines: health.engines });

  const project = expectStatus(
    await api.post<Project>("/projects", { name: "Shop → ERP", description: "orders into sales orders" }),
    201,
    "create project",
  );
  const shop = expectStatus(
    await api.post<{ id: string }>(`/projects/${project.id}/connectors`, {
      type: "memory",
      name: "Shop",
      config: { channel: "orders" },
    }),
    201,
    "add shop connector",
  );
  const erp = expectStatus(
    await api.post<{ id: string }>(`/projects/${project.id}/connectors`, {
      type: "sandbox",
      name: "ERP",
      config: { channel: "erp" },
    }),
    201,
    "add ERP connector",
  );
  show("project", { id: project.id, name: project.name, connectors: [shop.id, erp.id] });

  const draft = expectStatus(
    await api.post<Blueprint & { suggestion: { rules: unknown[] } }>(`/projects/${project.id}/blueprints`, {
      name: "Orders to ERP",
      intent: "send every shop order to the ERP as a sales order",
      source: { connector: shop.id, schema: orderSchema },
      target: { connector: erp.id, schema: salesOrderSchema },
    }),
    201,
    "generate blueprint",
  );
  show("generated blueprint", {
    id: draft.id,
    status: draft.status,
    revision: draft.revision,
    rules: draft.suggestion.rules,
  });

  const stale = await api.patch<Problem>(`/blueprints/${draft.id}`, {
    expectedRevision: 7,
    patch: { tags: ["demo"] },
  });
  expectStatus(stale, 409, "stale edit");
  show("stale edit refused (application/problem+json)", stale.body);

  const edited = expectStatus(
    await api.patch<Blueprint>(`/blueprints/${draft.id}`, {
      expectedRevision: draft.revision,
      patch: { tags: ["demo"], description: "shop orders → ERP sales orders (edited)" },
      message: "tagged",
    }),
    200,
    "edit",
  );
  const report = expectStatus(
    await api.post<{ ok: boolean; summary: unknown }>(`/blueprints/${draft.id}/validate`),
    200,
    "validate",
  );
  const approved = expectStatus(await api.post<Blueprint>(`/blueprints/${draft.id}/approve`), 200, "approve");
  show("lifecycle", {
    editedRevision: edited.revision,
    validation: report,
    status: approved.status,
    approvedRevision: approved.approvedRevision,
  });

  // The ERP rejects one order: its record becomes a dead letter, the others go through.
  expectStatus(await api.put(`/sandbox/erp`, { rejectWhen: 'sku = "BROKEN"' }), 200, "sandbox rule");
  const started = expectStatus(
    await api.post<Run>(`/blueprints/${draft.id}/runs`, { records: sampleOrders }),
    202,
    "start run",
  );
  const run = await api.waitForRun<Run>(started.id);
  show("run", { id: run.id, status: run.status, counts: run.counts });
  const logs = expectStatus(await api.get<{ items: RunEvent[] }>(`/runs/${run.id}/logs`), 200, "logs");
  show(
    "run events",
    logs.items.map((e) => `${e.seq} ${e.level} ${e.type}${e.recordKey ? ` ${e.recordKey}` : ""}`).join("\n"),
  );
  const metrics = expectStatus(
    await api.get<{ metrics?: unknown }>(`/runs/${run.id}/metrics`),
    200,
    "metrics",
  );
  show("run metrics", metrics.metrics);

  const dead = expectStatus(
    await api.get<Page<DeadLetter>>(`/dead-letters?blueprintId=${draft.id}&replayed=false`),
    200,
    "dead letters",
  );
  show(
    "dead letters",
    dead.items.map((d) => ({ id: d.id, recordKey: d.recordKey, step: d.step, error: d.error.message })),
  );
  if (dead.items.length !== 1) throw new Error(`expected one dead letter, got ${dead.items.length}`);

  expectStatus(await api.put(`/sandbox/erp`, { rejectWhen: null }), 200, "sandbox rule cleared");
  const replay = expectStatus(
    await api.post<Run>("/dead-letters/replay", { deadLetterIds: dead.items.map((d) => d.id) }),
    202,
    "replay",
  );
  const replayed = await api.waitForRun<Run>(replay.id);
  const erpChannel = expectStatus(await api.get<{ received: unknown[] }>("/sandbox/erp"), 200, "sandbox");
  show("replay", {
    id: replayed.id,
    status: replayed.status,
    counts: replayed.counts,
    erpReceived: erpChannel.received.length,
  });
  if (replayed.status !== "SUCCEEDED") throw new Error(`replay ended ${replayed.status}`);

  const exported = await api.get<Uint8Array>(`/blueprints/${draft.id}/export`);
  const zip = expectStatus(exported, 200, "export");
  show("export", {
    contentDisposition: exported.headers.get("content-disposition"),
    bytes: zip.byteLength,
    files: Object.keys(unzipSync(zip)).sort(),
  });

  const document = expectStatus(
    await api.get<{ openapi: string; paths: Record<string, object> }>("/openapi.json"),
    200,
    "openapi",
  );
  show("openapi.json", {
    openapi: document.openapi,
    paths: Object.keys(document.paths).length,
    operations: Object.values(document.paths).reduce((n, item) => n + Object.keys(item).length, 0),
  });

  const missing = await api.get<Problem>("/runs/run_missing");
  expectStatus(missing, 404, "unknown run");
  show("unknown run (application/problem+json)", missing.body);
  print(`\nconsole: ${baseUrl}/console/ (\`npm run serve -w examples/service\` keeps the service up)`);
}
