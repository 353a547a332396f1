// Issue 22: connection refreshes single-flight across workers that share Redis.
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { ConnectorError } from "../connector-error";
import { checkTestService } from "../testing";
import { redisConnectionLock } from "./redis-connection-lock";
import { redisConnection } from "./redis-url";

const redis = await checkTestService("redis");
const prefix = `conn22:lock:${Date.now().toString(36)}:${Math.random().toString(36).slice(2, 6)}:`;
const clients: Redis[] = [];
const client = (): Redis => {
  const made = new Redis(redisConnection(redis.url));
  clients.push(made);
  return made;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterAll(async () => {
  if (clients.length === 0) return;
  const keys = await clients[0]!.keys(`${prefix}*`);
  if (keys.length > 0) await clients[0]!.del(...keys);
  for (const made of clients) made.disconnect();
});

it("refuses a ttl or wait that is not a positive number", () => {
  const fake = { set: async () => null, eval: async () => 0 };
  expect(() => redisConnectionLock({ client: fake, ttlMs: 0 })).toThrow(/ttlMs must be a positive/);
  expect(() => redisConnectionLock({ client: fake, waitMs: Number.NaN })).toThrow(/waitMs must be/);
});

describe.skipIf(redis.skip)("redisConnectionLock on the real Redis", () => {
  it("lets one holder in at a time across clients, each caller once", async () => {
    const locks = [
      redisConnectionLock({ client: client(), prefix }),
      redisConnectionLock({ client: client(), prefix }),
    ];
    let inside = 0;
    let most = 0;
    let entered = 0;
    await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        locks[index % 2]!.withLock("conn_a", async () => {
          inside += 1;
          entered += 1;
          most = Math.max(most, inside);
          await sleep(2);
          inside -= 1;
        }),
      ),
    );
    expect(entered).toBe(40);
    expect(most).toBe(1);
    // Released: nothing is left behind.
    expect(await clients[0]!.exists(`${prefix}conn_a`)).toBe(0);
  });

  it("keeps the lock for a holder slower than its ttl (renewed while held)", async () => {
    const first = redisConnectionLock({ client: client(), prefix, ttlMs: 120 });
    const second = redisConnectionLock({ client: client(), prefix, ttlMs: 120 });
    const order: string[] = [];
    const slow = first.withLock("conn_b", async () => {
      order.push("first in");
      await sleep(600); // five ttls
      order.push("first out");
    });
    await sleep(30);
    await second.withLock("conn_b", async () => {
      order.push("second in");
    });
    await slow;
    expect(order).toEqual(["first in", "first out", "second in"]);
  });

  it("takes over a lock whose holder stopped once it expires, and never releases another's", async () => {
    const raw = client();
    await raw.set(`${prefix}conn_c`, "a-dead-worker", "PX", 150);
    const lock = redisConnectionLock({ client: client(), prefix, ttlMs: 5_000 });
    let ran = false;
    await lock.withLock("conn_c", async () => {
      ran = true;
      // Our lock is lost (say it expired) and another worker took it: our release must not drop it.
      await raw.set(`${prefix}conn_c`, "another-worker", "PX", 5_000);
    });
    expect(ran).toBe(true);
    expect(await raw.get(`${prefix}conn_c`)).toBe("another-worker");
  });

  it("gives up waiting with a retryable ConnectorError", async () => {
    const raw = client();
    await raw.set(`${prefix}conn_d`, "a-stuck-worker", "PX", 10_000);
    const lock = redisConnectionLock({ client: client(), prefix, waitMs: 100 });
    const error = await lock.withLock("conn_d", async () => "never").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ code: "CONNECTOR_FAILED", retryable: true });
    expect((error as Error).message).toContain('connection "conn_d"');
  });
});
