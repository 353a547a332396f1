// Issue 22: polls and schedules per customer connection, on every store — one cursor per
// (blueprint, connection), the source read with the connection's credentials, and a broken
// connection failing before anything is read.
import { randomBytes } from "node:crypto";
import {
  ConnectionBrokenError,
  createRuntime,
  defineConnector,
  NotFoundError,
  staticKeyProvider,
  ValidationError,
} from "@synapseops/core";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { storeFactories } from "./_stores";

const stores = await storeFactories();
afterAll(async () => {
  for (const factory of stores) await factory.cleanup();
});

/** Each customer's account at the source, by the API key that opens it. */
const ACCOUNTS: Record<string, { id: string }[]> = {
  "key-of-customer-a": ["a1", "a2", "a3", "a4", "a5"].map((id) => ({ id })),
  "key-of-customer-b": ["b1", "b2", "b3"].map((id) => ({ id })),
};

/** A source that serves the account of the key it is read with (the cursor is a position), and a target that records the key of each write. */
function customerFeed() {
  const reads: { key: string | undefined; from: unknown }[] = [];
  const writes: { key: string | undefined; id: string }[] = [];
  const connector = defineConnector({
    type: "feed",
    version: "1.0.0",
    configSchema: z.object({}),
    secrets: ["apiKey"],
    capabilities: {
      async *read(_config, context, options) {
        const key = context.secrets.apiKey;
        reads.push({ key, from: options.cursor });
        const account = ACCOUNTS[key ?? ""] ?? [];
        for (let at = Number(options.cursor ?? 0); at < account.length; at += 1) {
          yield { records: [account[at]], cursor: at + 1 };
        }
      },
      async write(_config, record, context) {
        writes.push({ key: context.secrets.apiKey, id: (record as { id: string }).id });
        return { ok: true };
      },
    },
  });
  return { connector, reads, writes };
}

describe.each(stores)("polls per connection on the $name store", ({ make, skip }) => {
  async function setup() {
    const feed = customerFeed();
    const store = await make();
    const runtime = createRuntime({
      store,
      connectors: [feed.connector],
      connections: { keys: staticKeyProvider([{ id: "k1", key: randomBytes(32) }]) },
    });
    const project = await runtime.projects.create({ name: "per-customer polls" });
    const ref = await runtime.connectorRefs.put(project.id, { type: "feed", name: "Feed" });
    const blueprint = await runtime.blueprints.create(project.id, {
      name: "sync",
      body: {
        source: { connector: ref.id },
        target: { connector: ref.id },
        steps: [{ id: "push", kind: "send", connector: ref.id, policy: { retry: { maxAttempts: 1 } } }],
      },
    });
    await runtime.blueprints.approve(blueprint.id);
    const connect = (customerId: string) =>
      runtime.connections.create({
        type: "apiKey",
        connectorRefId: ref.id,
        customerId,
        apiKey: `key-of-${customerId}`,
      });
    const a = await connect("customer-a");
    const b = await connect("customer-b");
    const pollAndWait = async (connection: string, maxRecords?: number) => {
      const run = await runtime.runs.poll(blueprint.id, {
        connection,
        ...(maxRecords === undefined ? {} : { maxRecords }),
      });
      if (run === undefined) return undefined;
      return runtime.runs.wait(run.id, { timeoutMs: 20_000 });
    };
    return { runtime, store, feed, project, blueprint, a, b, pollAndWait };
  }

  it.skipIf(Boolean(skip))(
    "keeps one cursor per connection; each poll reads its customer's account with its own key",
    async () => {
      const { runtime, feed, blueprint, a, b, pollAndWait } = await setup();
      const first = await pollAndWait(a.id, 2);
      expect(first).toMatchObject({ status: "SUCCEEDED", connection: a.id, counts: { total: 2 } });
      expect(await runtime.runs.cursor(blueprint.id, { connection: a.id })).toBe(2);
      expect(await runtime.runs.cursor(blueprint.id, { connection: b.id })).toBeUndefined();
      expect(await runtime.runs.cursor(blueprint.id)).toBeUndefined();

      expect(await pollAndWait(b.id)).toMatchObject({ status: "SUCCEEDED", connection: b.id });
      expect(await pollAndWait(a.id)).toMatchObject({ status: "SUCCEEDED", counts: { total: 3 } });
      expect(await runtime.runs.cursor(blueprint.id, { connection: a.id })).toBe(5);
      expect(await runtime.runs.cursor(blueprint.id, { connection: b.id })).toBe(3);
      // Nothing new for either: no run.
      expect(await pollAndWait(a.id)).toBeUndefined();

      expect(feed.reads).toEqual([
        { key: "key-of-customer-a", from: undefined },
        { key: "key-of-customer-b", from: undefined },
        { key: "key-of-customer-a", from: 2 },
        { key: "key-of-customer-a", from: 5 },
      ]);
      // Every record went out with its own customer's key: none crossed.
      const byKey = (key: string) =>
        feed.writes
          .filter((write) => write.key === key)
          .map((write) => write.id)
          .sort();
      expect(byKey("key-of-customer-a")).toEqual(["a1", "a2", "a3", "a4", "a5"]);
      expect(byKey("key-of-customer-b")).toEqual(["b1", "b2", "b3"]);
      expect(feed.writes).toHaveLength(8);
      // Without a connection the source's key is missing: the connection really supplied it.
      await expect(runtime.runs.poll(blueprint.id)).rejects.toMatchObject({ code: "SECRET_MISSING" });
      await runtime.close();
    },
  );

  it.skipIf(Boolean(skip))(
    "a broken or revoked connection's poll fails at once: nothing read, no run, the cursor kept",
    async () => {
      const { runtime, store, feed, blueprint, a, b, pollAndWait } = await setup();
      await pollAndWait(a.id, 2);
      // BROKEN is what a refused refresh leaves; no public call sets it on an API key connection.
      const stored = await store.getConnection(a.id);
      await store.updateConnection(
        {
          ...stored!,
          status: "BROKEN",
          lastError: { code: "invalid_grant", message: "refused", at: new Date().toISOString() },
          version: stored!.version + 1,
        },
        stored!.version,
      );
      await runtime.connections.revoke(b.id);
      const reads = feed.reads.length;
      const runs = (await runtime.runs.list({ blueprintId: blueprint.id })).items.length;

      const broken = await runtime.runs.poll(blueprint.id, { connection: a.id }).catch((error) => error);
      expect(broken).toBeInstanceOf(ConnectionBrokenError);
      expect(broken).toMatchObject({ code: "CONNECTION_BROKEN", connectionId: a.id, status: "BROKEN" });
      const revoked = await runtime.runs.poll(blueprint.id, { connection: b.id }).catch((error) => error);
      expect(revoked).toMatchObject({ code: "CONNECTION_BROKEN", connectionId: b.id, status: "REVOKED" });

      expect(feed.reads).toHaveLength(reads);
      expect((await runtime.runs.list({ blueprintId: blueprint.id })).items).toHaveLength(runs);
      expect(await runtime.runs.cursor(blueprint.id, { connection: a.id })).toBe(2);
      expect(await runtime.runs.cursor(blueprint.id, { connection: b.id })).toBeUndefined();
      await runtime.close();
    },
  );

  it.skipIf(Boolean(skip))(
    "refuses an unknown connection and another project's, for a poll and for a schedule",
    async () => {
      const { runtime, feed, blueprint, a } = await setup();
      await expect(runtime.runs.poll(blueprint.id, { connection: "conn_missing" })).rejects.toBeInstanceOf(
        NotFoundError,
      );
      const other = await runtime.projects.create({ name: "another tenant" });
      const foreignRef = await runtime.connectorRefs.put(other.id, { type: "feed", name: "Feed" });
      const foreign = await runtime.connections.create({
        type: "apiKey",
        connectorRefId: foreignRef.id,
        customerId: "x",
        apiKey: "key-of-customer-a",
      });
      const refused = await runtime.runs.poll(blueprint.id, { connection: foreign.id }).catch((e) => e);
      expect(refused).toBeInstanceOf(ValidationError);
      expect(refused).toMatchObject({ path: "/connection" });
      expect(feed.reads).toEqual([]);

      const timing = { everyMs: 60_000 };
      const action = { kind: "poll" as const };
      await expect(
        runtime.schedules.create({ blueprintId: blueprint.id, timing, action, connection: "conn_missing" }),
      ).rejects.toBeInstanceOf(NotFoundError);
      await expect(
        runtime.schedules.create({ blueprintId: blueprint.id, timing, action, connection: foreign.id }),
      ).rejects.toMatchObject({ path: "/connection" });
      const schedule = await runtime.schedules.create({
        blueprintId: blueprint.id,
        timing,
        action,
        connection: a.id,
        paused: true,
      });
      expect(await runtime.schedules.get(schedule.id)).toMatchObject({ connection: a.id });
      await expect(runtime.schedules.update(schedule.id, { connection: foreign.id })).rejects.toMatchObject({
        path: "/connection",
      });
      expect((await runtime.schedules.get(schedule.id)).connection).toBe(a.id);
      await runtime.close();
    },
  );
});
