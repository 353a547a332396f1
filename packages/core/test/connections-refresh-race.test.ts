// Issue 22: three worker processes on one PostgreSQL store make 300 calls through one connection
// whose access token expires mid-run: one refresh per expiry at the server, no failed call, and
// no token anywhere it should not be (logs, events, a pg_dump of the store's schema). Twice: with
// the store's lock (a PostgreSQL advisory lock) and with the Redis lock of `@synapseops/core/bullmq`.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { aesGcmPayloadCodec, type ConnectionEvent, createRuntime, staticKeyProvider } from "@synapseops/core";
import { postgresStore } from "@synapseops/core/postgres";
import { checkTestService } from "@synapseops/core/testing";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { type OidcServer, startOidcServer } from "./_oidc-server";

const service = await checkTestService("postgres");
const redis = await checkTestService("redis");
const schema = `synapseops_conn_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
const key = randomBytes(32);
const workers: ChildProcess[] = [];
const servers: OidcServer[] = [];

afterAll(async () => {
  for (const worker of workers) worker.kill();
  for (const server of servers) await server.close();
  if (!service.skip) {
    const admin = new pg.Client({ connectionString: service.url });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }
});

interface WorkerReport {
  ok: number;
  failures: string[];
  events: ConnectionEvent[];
  logText: string;
}

function startWorker(
  settings: Record<string, unknown>,
): Promise<{ child: ChildProcess; report: Promise<WorkerReport> }> {
  const child = spawn(
    process.execPath,
    [
      "--conditions=@synapseops/source",
      "--import",
      "tsx",
      fileURLToPath(new URL("./_connections-worker.ts", import.meta.url)),
    ],
    { env: { ...process.env, SO_CONN_SETTINGS: JSON.stringify(settings) }, stdio: ["pipe", "pipe", "pipe"] },
  );
  workers.push(child);
  let out = "";
  let errors = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    errors += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const report = new Promise<WorkerReport>((done, fail) => {
      child.once("exit", (code) => {
        const line = out.split("\n").find((text) => text.startsWith("{"));
        if (line === undefined) fail(new Error(`worker exited ${code}: ${errors.slice(0, 2000)}`));
        else done(JSON.parse(line) as WorkerReport);
      });
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("ready\n")) resolve({ child, report });
    });
    child.once("exit", (code) =>
      reject(new Error(`worker exited ${code} before ready: ${errors.slice(0, 2000)}`)),
    );
  });
}

const locks = [
  { lock: "postgres", skip: service.skip },
  { lock: "redis", skip: service.skip || redis.skip },
] as const;

describe.each(locks)(
  "connections: the refresh race across three processes ($lock lock)",
  ({ lock, skip }) => {
    it.skipIf(Boolean(skip))(
      "300 calls, token expiring mid-run: one refresh per expiry, 0 failures, no token leaked",
      async () => {
        // Tokens live 3 s and are refreshed 1 s early: over the ~7 s of calls they expire 2–4 times.
        const oidc = await startOidcServer({ accessTokenTtl: 3 });
        servers.push(oidc);
        const keys = staticKeyProvider([{ id: "race", key }]);
        const store = postgresStore({ connectionString: service.url }, { schema });
        const runtime = createRuntime({
          store,
          connections: {
            keys,
            providers: {
              demo: {
                issuer: oidc.issuer,
                authorizationEndpoint: `${oidc.issuer}/auth`,
                tokenEndpoint: `${oidc.issuer}/token`,
                clientId: oidc.clientId,
                clientSecret: oidc.clientSecret,
                scopes: ["openid"],
                redirectUri: oidc.redirectUri,
                refreshTokenRotation: "rotating",
                allowInsecureHttp: true,
              },
            },
          },
        });
        const project = await runtime.projects.create({ name: "race" });
        const ref = await runtime.connectorRefs.put(project.id, { type: "http", name: "Demo API" });
        const start = await runtime.connections.connectUrl({
          provider: "demo",
          connectorRefId: ref.id,
          customerId: "race",
        });
        const connection = await runtime.connections.completeAuthorization(
          await oidc.authorize(start.url, "race"),
        );

        const codec = aesGcmPayloadCodec({ keys });
        const initial = (await codec.decode((await store.getConnection(connection.id))?.credentials)) as {
          accessToken: string;
        };
        const settings = {
          pgUrl: service.url,
          schema,
          issuer: oidc.issuer,
          clientId: oidc.clientId,
          clientSecret: oidc.clientSecret,
          redirectUri: oidc.redirectUri,
          key: key.toString("base64"),
          connectionId: connection.id,
          calls: 100,
          spreadMs: 7_000,
          ...(lock === "redis" ? { redisUrl: redis.url, lockPrefix: `conn22:race:${schema}:` } : {}),
        };
        const started = await Promise.all([
          startWorker(settings),
          startWorker(settings),
          startWorker(settings),
        ]);
        const before = { ...oidc.counts };
        const go = Date.now();
        for (const { child } of started) child.stdin?.write("go\n");
        const reports = await Promise.all(started.map(({ report }) => report));
        const elapsedMs = Date.now() - go;

        const failures = reports.flatMap((report) => report.failures);
        expect(failures).toEqual([]);
        expect(reports.reduce((sum, report) => sum + report.ok, 0)).toBe(300);
        const refreshes = oidc.counts.refreshes - before.refreshes;
        const refreshedEvents = reports
          .flatMap((report) => report.events)
          .filter((e) => e.type === "connection.refreshed");
        // Every refresh at the server is one the workers made and recorded, none was refused
        // (a second refresh with a rotated-out token would be invalid_grant and break the connection),
        // and each produced the one access token the calls used until the next expiry.
        // A token is renewed 1 s before its 3 s life ends: one expiry every 2 s of the run at most.
        expect(refreshes).toBeGreaterThanOrEqual(2);
        expect(refreshes).toBeLessThanOrEqual(Math.floor(elapsedMs / 2_000) + 1);
        expect(oidc.counts.refreshErrors - before.refreshErrors).toBe(0);
        expect(refreshedEvents).toHaveLength(refreshes);
        // (The first token may have gone stale while the workers started under load.)
        expect(oidc.acceptedTokens.size).toBe(
          refreshes + (oidc.acceptedTokens.has(initial.accessToken) ? 1 : 0),
        );
        expect((await runtime.connections.get(connection.id))?.status).toBe("ACTIVE");
        console.log(
          `[figure] connections race (${lock} lock): 300 calls from 3 processes in ${elapsedMs} ms, ${refreshes} refreshes at the server (${oidc.acceptedTokens.size} access tokens used), ${oidc.counts.api401 - before.api401} resource 401s, 0 refused refreshes, ${failures.length} failed calls`,
        );

        // Canary tokens: every token the server issued is absent from logs, events and the dump.
        const { stdout: dump } = await promisify(execFile)(
          "pg_dump",
          ["--schema", schema, "--data-only", service.url],
          {
            maxBuffer: 64 * 1024 * 1024,
          },
        );
        expect(dump).toContain(connection.id);
        const haystacks = {
          dump,
          logs: reports.map((report) => report.logText).join("\n"),
          events: JSON.stringify(reports.map((report) => report.events)),
        };
        expect(haystacks.logs).toContain("connection.refreshed");
        const final = (await codec.decode((await store.getConnection(connection.id))?.credentials)) as {
          accessToken: string;
          refreshToken: string;
        };
        const canaries = [...oidc.issuedTokens, final.accessToken, final.refreshToken, oidc.clientSecret];
        expect(canaries.length).toBeGreaterThan(4);
        for (const [where, text] of Object.entries(haystacks)) {
          const leaked = canaries.filter((token) => text.includes(token));
          expect(leaked, `tokens found in ${where}`).toEqual([]);
        }
        await runtime.close();
      },
      90_000,
    );
  },
);
