#!/usr/bin/env node
/**
 * Load check of the service with access control on (issue 23): 50 concurrent clients, each with
 * its own API token, for 60 s against reads a console makes (a run, a blueprint, a project's
 * blueprints, the runs list, a record's step waterfall). Prints p50/p99 latency, throughput and the error count as JSON.
 * Not part of `npm test`. Usage, from the repository root:
 *
 *     node --import tsx examples/service/scripts/load.mjs [--connections 50] [--duration 60]
 *     npm run load -w examples/service   # the same, 50 clients for 60 s
 *
 * The service runs in its own process (memory store, from sources). Its rate limit is raised for
 * the run: 50 clients on one machine are not the abuse it is there to stop.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";

const { values } = parseArgs({
  options: { connections: { type: "string", default: "50" }, duration: { type: "string", default: "60" } },
});
const connections = Number(values.connections);
const duration = Number(values.duration);
const serviceDir = fileURLToPath(new URL("..", import.meta.url));
const adminToken = `syn_${randomBytes(32).toString("base64url")}`;

const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, "127.0.0.1", () => {
    const { port: free } = probe.address();
    probe.close(() => resolve(free));
  });
});
const base = `http://127.0.0.1:${port}`;
const child = spawn(process.execPath, ["--conditions=@synapseops/source", "--import", "tsx", "src/main.ts"], {
  cwd: serviceDir,
  env: {
    ...process.env,
    PORT: String(port),
    LOG_LEVEL: "warn",
    SYNAPSEOPS_ADMIN_TOKEN: adminToken,
    RATE_LIMIT_PER_MINUTE: "10000000",
  },
  stdio: ["ignore", "inherit", "inherit"],
});

async function call(method, path, body, token = adminToken) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

try {
  for (let tries = 0; ; tries++) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {}
    if (tries > 300) throw new Error("the service did not start in 60 s");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const project = await call("POST", "/projects", { name: "load" });
  const shop = await call("POST", `/projects/${project.id}/connectors`, {
    type: "memory",
    name: "Shop",
    config: { channel: "orders" },
  });
  const erp = await call("POST", `/projects/${project.id}/connectors`, {
    type: "sandbox",
    name: "ERP",
    config: { channel: "erp" },
  });
  const { orderSchema, salesOrderSchema, sampleOrders } = await import("../src/fixtures.ts").catch(
    () => ({}),
  );
  const blueprint = await call("POST", `/projects/${project.id}/blueprints`, {
    source: { connector: shop.id, schema: orderSchema },
    target: { connector: erp.id, schema: salesOrderSchema },
  });
  await call("POST", `/blueprints/${blueprint.id}/approve`);
  const run = await call("POST", `/blueprints/${blueprint.id}/runs`, {
    records: sampleOrders,
  });
  // The run's records are in the mix (their step waterfall): wait until it has finished.
  for (let tries = 0; (await call("GET", `/runs/${run.id}`)).status !== "SUCCEEDED"; tries++) {
    if (tries > 300) throw new Error("the load run did not finish in 60 s");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const tokens = [];
  for (let i = 0; i < connections; i++) {
    const issued = await call("POST", "/tokens", {
      name: `load-${i}`,
      projectId: project.id,
      role: "viewer",
    });
    tokens.push(issued.token);
  }

  let client = 0;
  const result = await autocannon({
    url: base,
    connections,
    duration,
    requests: [
      `/runs/${run.id}`,
      `/blueprints/${blueprint.id}`,
      `/projects/${project.id}/blueprints`,
      "/runs?limit=20",
      `/runs/${run.id}/records/${sampleOrders[0].id}/steps`,
    ].map((path) => ({
      method: "GET",
      path,
      // Each connection keeps one token of its own (the context lives as long as the connection).
      setupRequest: (request, context) => {
        context.token ??= tokens[client++ % tokens.length];
        return { ...request, headers: { ...request.headers, authorization: `Bearer ${context.token}` } };
      },
    })),
  });
  const figure = {
    date: new Date().toISOString(),
    connections,
    durationSeconds: duration,
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    non2xx: result.non2xx,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, v.count]),
    ),
    errors: result.errors,
    timeouts: result.timeouts,
    loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
  };
  process.stdout.write(`${JSON.stringify(figure)}\n`);
} finally {
  child.kill("SIGTERM");
}
