import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { checkTestService } from "../testing";
import { bullmqQueue } from "./bullmq-queue";
import { redisConnection } from "./redis-url";

// issue 16: `REDIS_URL`'s database index (redis://host:6379/3) was ignored: everything went to db 0.
describe("redisConnection", () => {
  it("reads host, port, database index, credentials and TLS", () => {
    expect(redisConnection("redis://127.0.0.1:6380/3")).toEqual({ host: "127.0.0.1", port: 6380, db: 3 });
    expect(redisConnection("redis://cache.internal")).toEqual({ host: "cache.internal", port: 6379, db: 0 });
    expect(redisConnection("rediss://app:s%40cret@[::1]:7000/12")).toEqual({
      host: "::1",
      port: 7000,
      db: 12,
      username: "app",
      password: "s@cret",
      tls: {},
    });
    expect(redisConnection("redis://:only-password@host/")).toMatchObject({
      password: "only-password",
      db: 0,
    });
  });

  it("refuses other schemes and paths that are not a database index", () => {
    expect(() => redisConnection("http://127.0.0.1:6379")).toThrow(/scheme "http:"/);
    expect(() => redisConnection("redis://127.0.0.1:6379/cache")).toThrow(/not a database index/);
    expect(() => redisConnection("not a url")).toThrow(/not a URL/);
  });
});

const redis = await checkTestService("redis");

describe.skipIf(redis.skip)("redisConnection against the real Redis", () => {
  it("puts a queue's jobs in the database the URL names, not in db 0", async () => {
    const url = new URL(redis.url);
    url.pathname = "/3";
    const prefix = `syn_db_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
    const queue = bullmqQueue({ connection: redisConnection(url.href), prefix, worker: false });
    const db0 = new Redis({ ...redisConnection(redis.url), db: 0 });
    const db3 = new Redis(redisConnection(url.href));
    try {
      await queue.enqueue({ runId: "run_db_index", batch: 0 });
      expect(await queue.depth?.()).toBe(1);
      expect(await db3.keys(`${prefix}:*`)).not.toHaveLength(0);
      expect(await db0.keys(`${prefix}:*`)).toHaveLength(0);
    } finally {
      await queue.close(1_000);
      const keys = await db3.keys(`${prefix}:*`);
      if (keys.length > 0) await db3.del(...keys);
      db0.disconnect();
      db3.disconnect();
    }
  });
});
