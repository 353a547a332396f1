// issues 16 and 18: the service as a process, on PostgreSQL + BullMQ, from sources (`npm run
// serve`) and from the built packages (`npm run serve:built`, what a host installs). From the
// build, error classes used to differ between entry points: invalid cursors and concurrent
// validations answered 500, and from sources the service crashed at start on a `.sql` import.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { checkTestService } from "@synapseops/core/testing";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { httpClient } from "../src/http-client";
import { generatedDraft } from "./helpers";

const postgres = await checkTestService("postgres");
const redis = await checkTestService("redis");
const skip = postgres.skip || redis.skip;
const serviceDir = fileURLToPath(new URL("..", import.meta.url));
const children: ChildProcess[] = [];
const namespaces: string[] = [];
// issue 23: the service needs a token; the operator chooses the bootstrap admin's.
const adminToken = `syn_${randomBytes(32).toString("base64url")}`;

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  if (skip || namespaces.length === 0) return;
  const client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  for (const namespace of namespaces) await client.query(`DROP SCHEMA IF EXISTS "${namespace}" CASCADE`);
  await client.end();
  const { Redis } = await import("ioredis");
  const connection = new Redis(redis.url);
  for (const namespace of namespaces) {
    const keys = await connection.keys(`${namespace}:*`);
    if (keys.length > 0) await connection.del(...keys);
  }
  connection.disconnect();
});

/** Starts `src/main.ts` with the given Node flags; resolves with its base URL once it listens. */
function serve(flags: string[], namespace: string): Promise<string> {
  const child = spawn(process.execPath, [...flags, "--import", "tsx", "src/main.ts"], {
    cwd: serviceDir,
    env: {
      ...process.env,
      NODE_OPTIONS: "",
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      SYNAPSEOPS_NAMESPACE: namespace,
      PORT: "0",
      LOG_LEVEL: "info",
      SYNAPSEOPS_ADMIN_TOKEN: adminToken,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start in 60 s:\n${output}`)), 60_000);
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      const url = /console at (http:\/\/[^/\s"]+)\/console\//.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`service exited ${code} before listening:\n${output}`));
    });
  });
}

const modes = [
  { name: "sources", flags: ["--conditions=@synapseops/source"] },
  { name: "built packages", flags: [] },
];

describe.skipIf(skip)("the service as a process on PostgreSQL + BullMQ", () => {
  for (const mode of modes) {
    it(`starts from the ${mode.name}, runs a blueprint and answers bad input with 4xx`, async () => {
      const namespace = `svcp_${mode.flags.length ? "src" : "dist"}_${Date.now().toString(36)}`;
      namespaces.push(namespace);
      const api = httpClient(await serve(mode.flags, namespace), { token: adminToken });
      const health = await api.get<{ ok: boolean; engines: string }>("/health");
      expect(health.body).toMatchObject({ ok: true, engines: "postgres+bullmq" });

      const { blueprint } = await generatedDraft(api, `erp-${namespace}`);
      const validations = await Promise.all(
        Array.from({ length: 10 }, () => api.post(`/blueprints/${blueprint.id}/validate`)),
      );
      expect(validations.map((v) => v.status).filter((s) => s >= 500)).toEqual([]);

      const badCursor = await api.get<{ code?: string }>("/dead-letters?cursor=not-a-cursor");
      expect(badCursor.status).toBe(400);
      expect(badCursor.body.code).toBe("CURSOR_INVALID");
      const missing = await api.get<{ code?: string }>("/runs/run_missing");
      expect(missing.status).toBe(404);

      expect((await api.post(`/blueprints/${blueprint.id}/approve`)).status).toBe(200);
      const started = await api.post<{ id: string }>(`/blueprints/${blueprint.id}/runs`, {
        records: [{ id: "o-1", sku: "A", qty: 1, price: 2 }],
      });
      expect(started.status).toBe(202);
      const run = await api.waitForRun<{ status: string }>(started.body.id, 30_000);
      expect(["SUCCEEDED", "FAILED", "PARTIAL"]).toContain(run.status);
    }, 120_000);
  }
});
