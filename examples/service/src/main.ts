/**
 * Starts the SynapseOps service: the platform API over the library, its OpenAPI document at
 * `/openapi.json` and the web console at `/console`. Memory store by default; PostgreSQL and
 * BullMQ when DATABASE_URL / REDIS_URL are set. With `--demo` it listens on a free port, walks
 * through the API against itself, prints what it saw and exits 0 (CI runs it that way).
 *
 * Every route but /health, the console's files and login needs an API token or a session. The
 * bootstrap admin's token comes from SYNAPSEOPS_ADMIN_TOKEN, or is generated and printed once;
 * SYNAPSEOPS_ADMIN_PASSWORD also creates the console user `admin`.
 */
import { pino } from "pino";
import { connectionsFromEnv } from "./connections-config";
import { runDemo } from "./demo";
import { buildServer } from "./server";
import { createServiceRuntime } from "./service-runtime";

const demo = process.argv.includes("--demo");
// One pino logger for the HTTP layer and the runtime; the demo prints its own lines instead.
const logger = pino({ level: demo ? "silent" : (process.env.LOG_LEVEL ?? "info") });
const connections = connectionsFromEnv(process.env);
const service = await createServiceRuntime({
  logger,
  ...(connections ? { connections } : {}),
  ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
  ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
  ...(process.env.SYNAPSEOPS_NAMESPACE ? { namespace: process.env.SYNAPSEOPS_NAMESPACE } : {}),
  ...(process.env.MAX_QUEUED_JOBS
    ? { admission: { maxQueuedJobs: Number(process.env.MAX_QUEUED_JOBS) } }
    : {}),
  bootstrapAdmin: {
    ...(process.env.SYNAPSEOPS_ADMIN_TOKEN ? { token: process.env.SYNAPSEOPS_ADMIN_TOKEN } : {}),
    ...(process.env.SYNAPSEOPS_ADMIN_PASSWORD ? { password: process.env.SYNAPSEOPS_ADMIN_PASSWORD } : {}),
  },
});
const app = await buildServer(service, {
  loggerInstance: logger,
  access: {
    ...(process.env.CORS_ORIGINS ? { corsOrigins: process.env.CORS_ORIGINS.split(",") } : {}),
    ...(process.env.RATE_LIMIT_PER_MINUTE
      ? { rateLimitPerMinute: Number(process.env.RATE_LIMIT_PER_MINUTE) }
      : {}),
  },
});

const shutdown = async (): Promise<void> => {
  await app.close();
  await service.runtime.close();
};

if (demo) {
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  let code = 0;
  try {
    await runDemo(address, service.adminToken.token, (line) => process.stdout.write(`${line}\n`));
  } catch (error) {
    process.stderr.write(
      `demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    code = 1;
  }
  await shutdown();
  process.exit(code);
} else {
  const port = Number(process.env.PORT ?? 3000);
  const address = await app.listen({ port, host: process.env.HOST ?? "127.0.0.1" });
  app.log.info(
    `engines: ${service.engines}; console at ${address}/console/, API document at ${address}/openapi.json`,
  );
  if (service.adminToken.generated) {
    // Shown once, on the terminal only (never logged): the one way in until users are created.
    process.stderr.write(
      `\nBootstrap admin API token (shown once; set SYNAPSEOPS_ADMIN_TOKEN to choose it):\n  ${service.adminToken.token}\n\n`,
    );
  }
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      shutdown().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}
