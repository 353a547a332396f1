import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { ErrorCode } from "../errors";
import { checkTestService } from "../testing/services";
import { postgresStore } from "./index";

// Issue 8: a target on the store's database completes a key in its own transaction.
const service = await checkTestService("postgres");
const schema = `synapseops_test_txidem_${randomUUID().replaceAll("-", "").slice(0, 12)}`;

describe.skipIf(Boolean(service.skip))("postgresStore.transactionalIdempotency", () => {
  const store = postgresStore({ connectionString: service.url }, { schema });
  const pool = new pg.Pool({ connectionString: service.url, max: 2 });
  afterAll(async () => {
    await store.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  const claim = async (key: string) => {
    const claimed = await store.claimIdempotencyKey({
      scope: "bp",
      key,
      payloadHash: "h",
      owner: "run/0",
      leaseMs: 60_000,
      ttlMs: 60_000,
      now: new Date(),
    });
    expect(claimed.outcome).toBe("claimed");
  };
  const outcome = (key: string, owner = "run/0") => ({
    scope: "bp",
    key,
    owner,
    now: new Date(),
    result: { outcome: "completed" },
  });

  it("knows a client of its own database from one of another database", async () => {
    const same = await pool.connect();
    const otherUrl = new URL(service.url);
    otherUrl.pathname = "/postgres";
    const other = new pg.Client({ connectionString: otherUrl.toString() });
    await other.connect();
    try {
      expect(await store.transactionalIdempotency.sameDatabase(same)).toBe(true);
      expect(await store.transactionalIdempotency.sameDatabase(other)).toBe(false);
      expect(await store.transactionalIdempotency.sameDatabase({})).toBe(false);
    } finally {
      same.release();
      await other.end();
    }
  });

  it("completes only when the caller's transaction commits", async () => {
    await claim("rolled-back");
    await claim("committed");
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await store.transactionalIdempotency.completeIdempotencyKeyWith(client, outcome("rolled-back"));
      await client.query("ROLLBACK");
      await client.query("BEGIN");
      await store.transactionalIdempotency.completeIdempotencyKeyWith(client, outcome("committed"));
      // Not visible to the store before COMMIT.
      expect((await store.getIdempotencyRecord("bp", "committed"))?.state).toBe("IN_PROGRESS");
      await client.query("COMMIT");
    } finally {
      client.release();
    }
    expect((await store.getIdempotencyRecord("bp", "rolled-back"))?.state).toBe("IN_PROGRESS");
    const done = await store.getIdempotencyRecord("bp", "committed");
    expect(done).toMatchObject({ state: "COMPLETED", result: { outcome: "completed" } });
    expect(done?.leaseOwner).toBeUndefined();
  });

  it("refuses a completion by an owner that does not hold the key", async () => {
    await claim("held");
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await expect(
        store.transactionalIdempotency.completeIdempotencyKeyWith(client, outcome("held", "run/9")),
      ).rejects.toMatchObject({ code: ErrorCode.CONFLICT });
      await client.query("ROLLBACK");
    } finally {
      client.release();
    }
    await expect(
      store.transactionalIdempotency.completeIdempotencyKeyWith({}, outcome("held")),
    ).rejects.toThrow(/needs a pg client/);
  });
});
