// A worker process of the refresh race (issue 22): its own runtime on the shared PostgreSQL
// store, making calls through one connection; reports its outcome as one JSON line.
import { Writable } from "node:stream";
import { type ConnectionEvent, createRuntime, staticKeyProvider } from "@synapseops/core";
import { redisConnection, redisConnectionLock } from "@synapseops/core/bullmq";
import { postgresStore } from "@synapseops/core/postgres";
import { Redis } from "ioredis";
import pino from "pino";

interface Settings {
  pgUrl: string;
  schema: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  key: string;
  connectionId: string;
  calls: number;
  spreadMs: number;
  /** With it, refreshes are serialised by the Redis lock instead of the store's advisory lock. */
  redisUrl?: string;
  lockPrefix?: string;
}

const settings = JSON.parse(process.env.SO_CONN_SETTINGS ?? "{}") as Settings;
let logText = "";
const logger = pino(
  { level: "trace" },
  new Writable({
    write(chunk, _encoding, done) {
      logText += chunk.toString();
      done();
    },
  }),
);
const redis = settings.redisUrl === undefined ? undefined : new Redis(redisConnection(settings.redisUrl));
const runtime = createRuntime({
  store: postgresStore({ connectionString: settings.pgUrl }, { schema: settings.schema }),
  logger,
  connections: {
    keys: staticKeyProvider([{ id: "race", key: Buffer.from(settings.key, "base64") }]),
    providers: {
      demo: {
        issuer: settings.issuer,
        authorizationEndpoint: `${settings.issuer}/auth`,
        tokenEndpoint: `${settings.issuer}/token`,
        clientId: settings.clientId,
        clientSecret: settings.clientSecret,
        redirectUri: settings.redirectUri,
        refreshTokenRotation: "rotating",
        refreshBeforeMs: 1_000,
        allowInsecureHttp: true,
      },
    },
    ...(redis === undefined
      ? {}
      : {
          lock: redisConnectionLock({
            client: redis,
            ...(settings.lockPrefix ? { prefix: settings.lockPrefix } : {}),
          }),
        }),
  },
});
const events: ConnectionEvent[] = [];
runtime.connections.subscribe((event) => events.push(event));

async function call(): Promise<number> {
  let resolved = await runtime.connections.resolve(settings.connectionId);
  let response = await fetch(`${settings.issuer}/api/me`, { headers: { ...resolved.headers } });
  if (response.status === 401) {
    await response.body?.cancel();
    resolved = await runtime.connections.resolve(settings.connectionId, {
      rejectedAccessToken: resolved.secrets.accessToken ?? "",
    });
    response = await fetch(`${settings.issuer}/api/me`, { headers: { ...resolved.headers } });
  }
  await response.body?.cancel();
  return response.status;
}

process.stdout.write("ready\n");
process.stdin.once("data", async () => {
  const failures: string[] = [];
  let ok = 0;
  await Promise.all(
    Array.from({ length: settings.calls }, async (_, index) => {
      await new Promise((resolve) => setTimeout(resolve, (index / settings.calls) * settings.spreadMs));
      try {
        const status = await call();
        if (status === 200) ok += 1;
        else failures.push(`status ${status}`);
      } catch (error) {
        failures.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      }
    }),
  );
  await runtime.close();
  redis?.disconnect();
  process.stdout.write(`${JSON.stringify({ ok, failures, events, logText })}\n`);
  process.exit(0);
});
