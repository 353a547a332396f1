// Issue 22: the per-connection refresh lock must never starve the pool it writes through.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { newId } from "../ids";
import { checkTestService } from "../testing/services";
import { postgresStore } from "./index";

const service = await checkTestService("postgres");
const schema = `synapseops_test_lock_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
const pool = new pg.Pool({ connectionString: service.url, max: 2 });

afterAll(async () => {
  if (!service.skip) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
});

it.skipIf(Boolean(service.skip))(
  "with a pool of 2, five connections refreshing at once all finish (holders that write do not deadlock)",
  async () => {
    const store = postgresStore({ pool }, { schema });
    await store.ping();
    await store.migrate();
    const at = new Date().toISOString();
    const ids = Array.from({ length: 5 }, () => newId("conn"));
    const results = await Promise.all(
      ids.map((id) =>
        store.withConnectionLock(id, async () => {
          // What a refresh does under the lock: read, then write through the pool.
          await store.getConnection(id);
          await store.insertConnection({
            id,
            connectorRefId: "con_x",
            customerId: "c",
            authType: "bearer",
            scopes: [],
            status: "ACTIVE",
            metadata: {},
            credentials: "synapseops:aes256gcm:k:a.b.c",
            createdAt: at,
            updatedAt: at,
            version: 1,
          });
          return id;
        }),
      ),
    );
    expect(results).toEqual(ids);
    expect((await store.listConnections({ customerId: "c" })).items).toHaveLength(5);
  },
  20_000,
);
