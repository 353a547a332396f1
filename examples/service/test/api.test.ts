import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type {
  Blueprint,
  BlueprintRevision,
  DeadLetter,
  Page,
  Project,
  Run,
  RunEvent,
} from "@synapseops/core";
import { strFromU8, unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleOrders } from "../src/fixtures";
import type { Problem } from "../src/problem";
import { generatedDraft, startService, type TestService } from "./helpers";

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.close();
});

const PROBLEM_TYPE = /^application\/problem\+json/;

describe("the platform API over HTTP", () => {
  it("takes a blueprint from generation to an exported zip", async () => {
    const { api } = service;
    const { project, blueprint } = await generatedDraft(api);
    expect(blueprint.status).toBe("DRAFT");
    expect((await api.get<Project>(`/projects/${project.id}`)).body.name).toBe("Shop → ERP");
    const projects = await api.get<Page<Project>>("/projects");
    expect(projects.body.items.map((p) => p.id)).toContain(project.id);

    const edited = await api.patch<Blueprint>(`/blueprints/${blueprint.id}`, {
      expectedRevision: 1,
      patch: { tags: ["e2e"] },
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ revision: 2, status: "DRAFT" });

    const report = await api.post<{ ok: boolean; revision: number }>(`/blueprints/${blueprint.id}/validate`);
    expect(report.body).toMatchObject({ ok: true, revision: 2 });
    expect((await api.get<Blueprint>(`/blueprints/${blueprint.id}`)).body.status).toBe("VALIDATED");
    const approved = await api.post<Blueprint>(`/blueprints/${blueprint.id}/approve`);
    expect(approved.body).toMatchObject({ status: "APPROVED", approvedRevision: 2 });

    const started = await api.post<Run>(`/blueprints/${blueprint.id}/runs`, {
      records: sampleOrders.slice(0, 2),
    });
    expect(started.status).toBe(202);
    expect(started.headers.get("location")).toBe(`/runs/${started.body.id}`);
    const run = await api.waitForRun<Run>(started.body.id);
    expect(run).toMatchObject({ status: "SUCCEEDED", revision: 2, counts: { total: 2, completed: 2 } });
    const erp = await api.get<{ received: { orderId: string; amount: number }[] }>("/sandbox/erp");
    expect(erp.body.received).toEqual([
      expect.objectContaining({ orderId: "o-1001", amount: 12.5 }),
      expect.objectContaining({ orderId: "o-1002", amount: 99 }),
    ]);

    // issue 18: the run's events are a page like every other list. Each record's step trace is a
    // debug event (issue 23: the service keeps them for the console's waterfall): `level=info` leaves them out.
    const all = await api.get<Page<RunEvent>>(`/runs/${run.id}/logs`);
    expect(all.body.items.filter((e) => e.type === "record.steps").map((e) => e.recordKey)).toEqual([
      "o-1001",
      "o-1002",
    ]);
    const logs = await api.get<Page<RunEvent>>(`/runs/${run.id}/logs?level=info`);
    expect(logs.body.items.map((e) => e.type)).toEqual(["run.started", "run.finished"]);
    expect(logs.body.nextCursor).toBeUndefined();
    const first = await api.get<Page<RunEvent>>(`/runs/${run.id}/logs?level=info&limit=1`);
    expect(first.body.items.map((e) => e.type)).toEqual(["run.started"]);
    const second = await api.get<Page<RunEvent>>(
      `/runs/${run.id}/logs?level=info&limit=1&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.items.map((e) => e.type)).toEqual(["run.finished"]);
    expect(second.body.nextCursor).toBeUndefined();
    const metrics = await api.get<{ status: string; metrics: { recordsIn: number; recordsOut: number } }>(
      `/runs/${run.id}/metrics`,
    );
    expect(metrics.body).toMatchObject({ status: "SUCCEEDED", metrics: { recordsIn: 2, recordsOut: 2 } });
    const runs = await api.get<Page<Run>>(`/blueprints/${blueprint.id}/runs`);
    expect(runs.body.items.map((r) => r.id)).toEqual([run.id]);

    const exported = await api.get<Uint8Array>(`/blueprints/${blueprint.id}/export`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-type")).toBe("application/zip");
    const files = unzipSync(exported.body);
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([
        "manifest.json",
        "openapi/openapi.json",
        "sdk-ts/index.ts",
        "postman/collection.json",
      ]),
    );
    const manifest = JSON.parse(strFromU8(files["manifest.json"]!)) as { files: { path: string }[] };
    expect(manifest.files.map((f) => f.path).sort()).toEqual(
      Object.keys(files)
        .filter((path) => path !== "manifest.json")
        .sort(),
    );
    const document = JSON.parse(strFromU8(files["openapi/openapi.json"]!)) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(document.paths).join(" ")).toContain(blueprint.id);
  });

  it("lists revisions, diffs two of them and explains a mapping on a sample", async () => {
    const { api } = service;
    const { blueprint } = await generatedDraft(api, "erp-revisions");
    await api.patch(`/blueprints/${blueprint.id}`, { expectedRevision: 1, patch: { description: "second" } });
    const revisions = await api.get<Page<BlueprintRevision>>(`/blueprints/${blueprint.id}/revisions`);
    expect(revisions.body.items.map((r) => r.revision)).toEqual([1, 2]);
    const diff = await api.get<{ operations: { op: string; path: string; value?: unknown }[] }>(
      `/blueprints/${blueprint.id}/diff?from=1&to=2`,
    );
    expect(diff.body.operations).toEqual([{ op: "replace", path: "/description", value: "second" }]);

    const tested = await api.post<{
      output: unknown;
      fields: { target: string; steps: { transform: string; value: unknown }[] }[];
      inputIssues: { pointer: string }[];
      outputIssues: { pointer: string; rule?: string }[];
    }>(`/blueprints/${blueprint.id}/mapping-tests`, {
      input: { id: "o-9", email: "x@example.com", total_price: "3.10" },
    });
    expect(tested.body.output).toEqual({ orderId: "o-9", customerEmail: "x@example.com", amount: 3.1 });
    const amount = tested.body.fields.find((f) => f.target === "amount");
    expect(amount?.steps).toEqual([expect.objectContaining({ transform: "to_float", value: 3.1 })]);
    expect(tested.body.inputIssues).toEqual([]);

    // A sample missing a required field: the input schema says where, the output schema which rule.
    const broken = await api.post<typeof tested.body>(`/blueprints/${blueprint.id}/mapping-tests`, {
      input: { id: "o-9", total_price: "3.10" },
    });
    expect(broken.body.inputIssues).toEqual([expect.objectContaining({ pointer: "/email" })]);
    expect(broken.body.outputIssues).toEqual([
      expect.objectContaining({ pointer: "/customerEmail", rule: "/rules/1" }),
    ]);
  });

  it("dead-letters the record the target rejects and replays it once the target accepts it", async () => {
    const { api } = service;
    const { blueprint } = await generatedDraft(api, "erp-flaky");
    await api.post(`/blueprints/${blueprint.id}/approve`);
    await api.put("/sandbox/erp-flaky", { rejectWhen: 'sku = "BROKEN"' });
    const started = await api.post<Run>(`/blueprints/${blueprint.id}/runs`, { records: sampleOrders });
    const run = await api.waitForRun<Run>(started.body.id);
    expect(run.counts).toMatchObject({ total: 3, completed: 2, deadLettered: 1 });
    const dead = await api.get<Page<DeadLetter>>(`/dead-letters?blueprintId=${blueprint.id}&replayed=false`);
    expect(dead.body.items).toEqual([
      expect.objectContaining({ recordKey: "o-1003", step: "send", runId: run.id }),
    ]);

    await api.put("/sandbox/erp-flaky", { rejectWhen: null });
    const replay = await api.post<Run>("/dead-letters/replay", { deadLetterIds: [dead.body.items[0]!.id] });
    expect(replay.status).toBe(202);
    const replayed = await api.waitForRun<Run>(replay.body.id);
    expect(replayed).toMatchObject({ status: "SUCCEEDED", replayOf: run.id, counts: { completed: 1 } });
    const left = await api.get<Page<DeadLetter>>(`/dead-letters?blueprintId=${blueprint.id}&replayed=false`);
    expect(left.body.items).toEqual([]);
    const again = await api.post<Problem>("/dead-letters/replay", {
      deadLetterIds: [dead.body.items[0]!.id],
    });
    expect(again.status).toBe(400);
    expect(again.body.detail).toMatch(/already replayed/);
  });

  it("reports health and serves the console", async () => {
    const health = await service.api.get<{ ok: boolean; engines: string }>("/health");
    expect(health.body).toMatchObject({ ok: true, engines: "memory", store: { ok: true } });
    const page = await service.api.get<string>("/console/");
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.body).toContain('<script type="module" src="./app.js">');
    // Only the files read at start are served: "../package.json" (slash encoded) reaches the lookup and finds nothing.
    expect((await service.api.get("/console/..%2Fpackage.json")).status).toBe(404);
    expect((await service.api.get("/console/views/runs.js")).headers.get("content-type")).toMatch(
      /^text\/javascript/,
    );
  });
});

describe("errors as RFC 9457 problem details", () => {
  it("answers an unknown id with 404 NOT_FOUND and an error id", async () => {
    for (const path of [
      "/projects/prj_nope",
      "/blueprints/bp_nope",
      "/runs/run_nope",
      "/runs/run_nope/logs",
    ]) {
      const answer = await service.api.get<Problem>(path);
      expect(answer.status, path).toBe(404);
      expect(answer.headers.get("content-type"), path).toMatch(PROBLEM_TYPE);
      expect(answer.body).toMatchObject({
        status: 404,
        code: "NOT_FOUND",
        instance: path,
        title: "Not found",
      });
      expect(answer.body.errorId).toMatch(/^err_[0-9a-f-]{36}$/);
    }
    const route = await service.api.get<Problem>("/no/such/route");
    expect(route.body).toMatchObject({ status: 404, code: "NOT_FOUND" });
  });

  it("answers a request that breaks the schema with 400 and a pointer to the field", async () => {
    const missing = await service.api.post<Problem>("/projects", { description: "no name" });
    expect(missing.status).toBe(400);
    expect(missing.headers.get("content-type")).toMatch(PROBLEM_TYPE);
    expect(missing.body).toMatchObject({ code: "INVALID_INPUT", pointer: "/name" });
    expect(missing.body.errors).toEqual([
      expect.objectContaining({ pointer: "/name", in: "body", code: "required" }),
    ]);

    const { blueprint } = await generatedDraft(service.api, "erp-invalid");
    const wrongType = await service.api.post<Problem>(`/blueprints/${blueprint.id}/runs`, {
      records: "not a list",
    });
    expect(wrongType.body).toMatchObject({ status: 400, pointer: "/records" });
    const badQuery = await service.api.get<Problem>(`/blueprints/${blueprint.id}/diff?from=1&to=zero`);
    expect(badQuery.body).toMatchObject({
      status: 400,
      pointer: "/to",
      errors: [expect.objectContaining({ in: "querystring" })],
    });
    const badJson = await fetch(`${service.baseUrl}/projects`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${service.adminToken}` },
      body: "{ not json",
    });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ code: "INVALID_INPUT" });
  });

  it("answers an edit based on a stale revision with 409 CONFLICT", async () => {
    const { api } = service;
    const { blueprint } = await generatedDraft(api, "erp-conflict");
    expect(
      (await api.patch(`/blueprints/${blueprint.id}`, { expectedRevision: 1, patch: { tags: ["a"] } }))
        .status,
    ).toBe(200);
    const stale = await api.patch<Problem>(`/blueprints/${blueprint.id}`, {
      expectedRevision: 1,
      patch: { tags: ["b"] },
    });
    expect(stale.status).toBe(409);
    expect(stale.headers.get("content-type")).toMatch(PROBLEM_TYPE);
    expect(stale.body).toMatchObject({ code: "CONFLICT", pointer: "/expectedRevision" });
    expect(stale.body.detail).toMatch(/at revision 2, not 1/);
  });

  it("refuses a run of a draft (409 LIFECYCLE) and approval of an invalid blueprint (422 with the issues)", async () => {
    const { api } = service;
    const { blueprint } = await generatedDraft(api, "erp-lifecycle");
    const run = await api.post<Problem>(`/blueprints/${blueprint.id}/runs`, { records: [{}] });
    expect(run.body).toMatchObject({ status: 409, code: "LIFECYCLE" });
    await api.patch(`/blueprints/${blueprint.id}`, {
      expectedRevision: 1,
      patch: { idempotencyKey: "$$$(" },
    });
    const approve = await api.post<Problem>(`/blueprints/${blueprint.id}/approve`);
    expect(approve.status).toBe(422);
    expect(approve.body.code).toBe("BLUEPRINT_INVALID");
    expect(approve.body.errors?.[0]).toMatchObject({ pointer: "/idempotencyKey" });
  });
});

it("walks through the API with --demo and exits 0", async () => {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--conditions=@synapseops/source", "--import", "tsx", "src/main.ts", "--demo"],
    { cwd: root, timeout: 60_000 },
  );
  expect(stdout).toMatch(/== stale edit refused[\s\S]*"code": "CONFLICT"/);
  expect(stdout).toMatch(/== run\n[\s\S]*"status": "FAILED"[\s\S]*"deadLettered": 1/);
  expect(stdout).toMatch(/== replay\n[\s\S]*"status": "SUCCEEDED"[\s\S]*"erpReceived": 3/);
  expect(stdout).toContain('"sdk-ts/index.ts"');
  expect(stdout).toMatch(/"openapi": "3\.1\.0"/);
}, 60_000);
