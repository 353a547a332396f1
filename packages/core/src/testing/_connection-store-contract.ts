import { describe, expect, it } from "vitest";
import type { StoredConnection } from "../connections/connection";
import { ConflictError, NotFoundError } from "../errors";
import { newId } from "../ids";
import type { Store } from "../store/types";

function sampleConnection(overrides: Partial<StoredConnection> = {}): StoredConnection {
  const at = new Date().toISOString();
  return {
    id: newId("conn"),
    connectorRefId: "con_contract",
    customerId: "cust-1",
    authType: "oauth2",
    provider: "demo",
    scopes: ["read"],
    status: "ACTIVE",
    metadata: {},
    credentials: "synapseops:aes256gcm:k1:aaa.bbb.ccc",
    createdAt: at,
    updatedAt: at,
    version: 1,
    ...overrides,
  };
}

/** The connections part of the store contract (issue 22), run inside `testStore`. */
export function connectionStoreContract(getStore: () => Store): void {
  describe("connections", () => {
    it("inserts, reads, lists by customer/ref/status and pages", async () => {
      const store = getStore();
      const customer = `cust-${Math.random().toString(36).slice(2)}`;
      const made = [
        sampleConnection({ customerId: customer }),
        sampleConnection({ customerId: customer, status: "BROKEN" }),
        sampleConnection({ customerId: customer, connectorRefId: "con_other", tenant: "t1" }),
      ];
      for (const connection of made) await store.insertConnection(connection);
      await expect(store.insertConnection(made[0]!)).rejects.toBeInstanceOf(ConflictError);
      expect(await store.getConnection(made[0]!.id)).toEqual(made[0]);
      expect(await store.getConnection("conn_missing")).toBeUndefined();
      const first = await store.listConnections({ customerId: customer, limit: 2 });
      expect(first.items.map((c) => c.id)).toEqual([made[0]!.id, made[1]!.id]);
      const second = await store.listConnections({
        customerId: customer,
        limit: 2,
        ...(first.nextCursor ? { cursor: first.nextCursor } : {}),
      });
      expect(second.items.map((c) => c.id)).toEqual([made[2]!.id]);
      expect(second.nextCursor).toBeUndefined();
      expect((await store.listConnections({ customerId: customer, status: "BROKEN" })).items).toEqual([
        made[1],
      ]);
      expect(
        (await store.listConnections({ customerId: customer, connectorRefId: "con_other" })).items,
      ).toEqual([made[2]]);
      expect((await store.listConnections({ customerId: customer, tenant: "t1" })).items).toEqual([made[2]]);
    });

    it("updates by compare-and-set on version, and deletes", async () => {
      const store = getStore();
      const connection = sampleConnection();
      await store.insertConnection(connection);
      const next = {
        ...connection,
        status: "REFRESHING" as const,
        credentials: "synapseops:aes256gcm:k1:x.y.z",
        version: 2,
      };
      await store.updateConnection(next, 1);
      expect(await store.getConnection(connection.id)).toEqual(next);
      await expect(store.updateConnection({ ...next, version: 3 }, 1)).rejects.toBeInstanceOf(ConflictError);
      await expect(store.updateConnection(sampleConnection({ version: 2 }), 1)).rejects.toBeInstanceOf(
        NotFoundError,
      );
      expect(await store.deleteConnection(connection.id)).toBe(true);
      expect(await store.deleteConnection(connection.id)).toBe(false);
      expect(await store.getConnection(connection.id)).toBeUndefined();
    });

    it("takes a pending authorization once, and never after it expired", async () => {
      const store = getStore();
      const state = `state-${Math.random().toString(36).slice(2)}`;
      const pending = {
        state,
        codeVerifier: "synapseops:aes256gcm:k1:v.v.v",
        provider: "demo",
        connectorRefId: "con_1",
        customerId: "c",
        metadata: {},
        redirectUri: "https://app.example/callback",
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
      };
      await store.insertPendingAuthorization(pending);
      await expect(store.insertPendingAuthorization(pending)).rejects.toBeInstanceOf(ConflictError);
      expect(await store.takePendingAuthorization(state, new Date())).toEqual(pending);
      expect(await store.takePendingAuthorization(state, new Date())).toBeUndefined();
      const expired = { ...pending, state: `${state}-old` };
      await store.insertPendingAuthorization(expired);
      expect(
        await store.takePendingAuthorization(expired.state, new Date(Date.now() + 120_000)),
      ).toBeUndefined();
    });

    it("withConnectionLock runs holders of one connection one at a time, others in parallel", async () => {
      const store = getStore();
      const id = newId("conn");
      let inside = 0;
      let most = 0;
      const hold = () =>
        store.withConnectionLock(id, async () => {
          inside += 1;
          most = Math.max(most, inside);
          await new Promise((resolve) => setTimeout(resolve, 20));
          inside -= 1;
          return "done";
        });
      expect(await Promise.all([hold(), hold(), hold()])).toEqual(["done", "done", "done"]);
      expect(most).toBe(1);
      // A throwing holder releases the lock.
      await expect(
        store.withConnectionLock(id, async () => Promise.reject(new Error("boom"))),
      ).rejects.toThrow("boom");
      expect(await store.withConnectionLock(id, async () => "after")).toBe("after");
      let other = false;
      await store.withConnectionLock(id, async () => {
        await store.withConnectionLock(newId("conn"), async () => {
          other = true;
        });
      });
      expect(other).toBe(true);
    });
  });
}
