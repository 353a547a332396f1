import { Socket } from "node:net";

/** The real services tests may talk to, with their env var and localhost default. */
export const TEST_SERVICES = {
  postgres: { env: "SYNAPSEOPS_TEST_PG_URL", url: "postgres://postgres@127.0.0.1:5432/test" },
  mysql: { env: "SYNAPSEOPS_TEST_MYSQL_URL", url: "mysql://root@127.0.0.1:3306/test" },
  redis: { env: "SYNAPSEOPS_TEST_REDIS_URL", url: "redis://127.0.0.1:6379" },
  rabbitmq: { env: "SYNAPSEOPS_TEST_AMQP_URL", url: "amqp://guest:guest@127.0.0.1:5672" },
  nats: { env: "SYNAPSEOPS_TEST_NATS_URL", url: "nats://127.0.0.1:4222" },
} as const;

/** A service tests may talk to. */
export type TestService = keyof typeof TEST_SERVICES;

/** Whether a test service answers, and its URL. */
export interface ServiceCheck {
  url: string;
  /** Why the tests skip; `false` when the service answers. */
  skip: string | false;
}

/**
 * Finds out whether a test service answers on its TCP port. Without it the tests skip with the
 * reason printed, except under `CI=true`, where a missing service is an error: CI must run them.
 */
export async function checkTestService(service: TestService, timeoutMs = 1500): Promise<ServiceCheck> {
  const { env, url: fallback } = TEST_SERVICES[service];
  const url = process.env[env] ?? fallback;
  const { hostname, port } = new URL(url);
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("error", () => done(false));
    socket.connect(Number(port), hostname, () => done(true));
  });
  if (reachable) return { url, skip: false };
  const reason = `${service} is not reachable at ${url} (set ${env} to point at one)`;
  if (process.env.CI === "true") throw new Error(`CI=true requires ${service}: ${reason}`);
  process.stderr.write(`skipping ${service} tests: ${reason}\n`);
  return { url, skip: reason };
}
