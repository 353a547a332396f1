/**
 * What the fault-injection scripts (`crash-test.ts`, `schedule-kill-test.ts`) share: the test
 * servers, the store and queue every process opens, worker processes that are killed with SIGKILL
 * and restarted, a target connector that POSTs records, and the cleanup of a scenario.
 */
import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ConnectorError, defineConnector } from "@synapseops/core";
import { bullmqQueue } from "@synapseops/core/bullmq";
import { postgresStore } from "@synapseops/core/postgres";
import { Redis } from "ioredis";
import pg from "pg";
import { z } from "zod";

export const PG_URL = process.env.SYNAPSEOPS_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const REDIS_URL = new URL(process.env.SYNAPSEOPS_TEST_REDIS_URL ?? "redis://127.0.0.1:6379");
const redisAddress = { host: REDIS_URL.hostname, port: Number(REDIS_URL.port || 6379) };

/** A Redis client on the test server (the caller disconnects it). */
export const redisClient = (): Redis => new Redis(redisAddress);

/** A scenario's PostgreSQL schema and BullMQ key prefix, unique to this run (`kind`: `crash`, `sched`). */
export function scenarioNames(kind: string): { schema: string; prefix: string } {
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return { schema: `synapseops_${kind}_${tag}`, prefix: `syn_${kind}_${tag}` };
}

/** How every process of a scenario opens the store and the queue. */
export interface EngineOptions {
  /** Batch and job lease: a killed worker's work is taken over after it. */
  leaseMs: number;
  /** Names the process' PostgreSQL and Redis connections, so faults can cut exactly them. */
  connectionName?: string;
}

/** The scenario's PostgreSQL store. */
export function scenarioStore(schema: string, options: EngineOptions) {
  const name = options.connectionName === undefined ? "" : `?application_name=${options.connectionName}`;
  return postgresStore({ connectionString: `${PG_URL}${name}` }, { schema });
}

/** The scenario's BullMQ queue; `worker: false` for the producer, which only enqueues. */
export function scenarioQueue(prefix: string, worker: boolean, options: EngineOptions) {
  return bullmqQueue({
    connection: {
      ...redisAddress,
      maxRetriesPerRequest: null,
      // BullMQ does not name its connections; ioredis sets this name on each (CLIENT SETNAME).
      ...(options.connectionName === undefined ? {} : { connectionName: options.connectionName }),
    },
    prefix,
    concurrency: 4,
    lockDurationMs: options.leaseMs,
    worker,
  });
}

/**
 * The target connector of type `type`: POSTs a record as JSON to `config.url` with its
 * Idempotency-Key; a network failure or a non-2xx answer is retryable, `Retry-After` honoured.
 */
export function postingConnector<const Type extends string>(type: Type) {
  return defineConnector({
    type,
    version: "1.0.0",
    configSchema: z.object({ url: z.string() }),
    capabilities: {
      async write(config, record, context) {
        let response: Response;
        try {
          response = await fetch(config.url, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              ...(context.idempotencyKey ? { "idempotency-key": context.idempotencyKey } : {}),
            },
            body: JSON.stringify(record),
            signal: context.signal,
          });
        } catch (error) {
          throw new ConnectorError(`target unreachable: ${String(error)}`, { retryable: true, cause: error });
        }
        if (!response.ok) {
          const retryAfter = Number(response.headers.get("retry-after"));
          throw new ConnectorError(`target answered ${response.status}`, {
            retryable: true,
            status: response.status,
            ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
          });
        }
        return response.json();
      },
    },
  });
}

/** Worker processes of one scenario; one killed is restarted at once. */
export interface WorkerPool {
  /** SIGKILLs a random worker and starts another in its place. */
  killOne(): void;
  /** SIGKILLs every worker. */
  stopAll(): void;
}

/**
 * Starts `count` processes running `script` (the caller's `import.meta.url`) as
 * `script worker <schema> <prefix>`, with this process' Node flags; {@link runScenario} sends
 * them to the worker function. `onSpawn` sees each process started, restarts included.
 */
export function workerPool(
  script: string,
  names: { schema: string; prefix: string },
  count: number,
  options: { spawn?: SpawnOptions; onSpawn?: (child: ChildProcess) => void } = {},
): WorkerPool {
  const start = (): ChildProcess => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, fileURLToPath(script), "worker", names.schema, names.prefix],
      options.spawn ?? { stdio: "inherit" },
    );
    options.onSpawn?.(child);
    return child;
  };
  const workers = Array.from({ length: count }, start);
  return {
    killOne() {
      const index = Math.floor(Math.random() * workers.length);
      workers[index]!.kill("SIGKILL");
      workers[index] = start();
    },
    stopAll() {
      for (const child of workers) child.kill("SIGKILL");
    },
  };
}

/** Drops the scenario's schema and its BullMQ keys. */
export async function dropScenario({ schema, prefix }: { schema: string; prefix: string }): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
  const redis = redisClient();
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
  redis.disconnect();
}

/**
 * The script's entry: a process started by {@link workerPool} runs `worker(names)` (until it is
 * killed); the first one runs `main` and exits 0 when it returns true, else 1.
 */
export async function runScenario(
  worker: (names: { schema: string; prefix: string }) => Promise<void>,
  main: () => Promise<boolean>,
): Promise<void> {
  if (process.argv[2] === "worker") {
    await worker({ schema: process.argv[3]!, prefix: process.argv[4]! });
  } else {
    process.exit((await main()) ? 0 : 1);
  }
}
