import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type OidcServer, startOidcServer } from "../../test/_oidc-server";
import { defineConnector } from "../connector";
import { ConnectionBrokenError, NotFoundError, ValidationError } from "../errors";
import { createRuntime } from "../runtime";
import { memoryStore } from "../store/memory-store";
import { staticKeyProvider } from "../store/payload-codec";

const k1 = { id: "k1", key: randomBytes(32) };
const k2 = { id: "k2", key: randomBytes(32) };

/** A connector whose test fails with a message echoing the secret it got (as careless peers do). */
const echo = defineConnector({
  type: "echo",
  version: "1.0.0",
  configSchema: z.object({}),
  capabilities: {
    async test(_config, context) {
      if (context.secrets.apiKey !== "good-key-0123456789")
        throw new Error(`peer refused key ${context.secrets.apiKey}`);
    },
  },
});

async function setup(keys = staticKeyProvider([k1]), store = memoryStore()) {
  let logs = "";
  const logger = pino(
    { level: "trace" },
    new Writable({
      write(chunk, _e, done) {
        logs += chunk.toString();
        done();
      },
    }),
  );
  const runtime = createRuntime({ store, logger, connectors: [echo], connections: { keys } });
  const project = await runtime.projects.create({ name: "keys" });
  const ref = await runtime.connectorRefs.put(project.id, { type: "echo", name: "Echo" });
  return { runtime, ref, store, logs: () => logs };
}

describe("connections with direct credentials", () => {
  it("stores API key, bearer and basic credentials encrypted and resolves them for a call", async () => {
    const { runtime, ref, store, logs } = await setup();
    const apiKey = await runtime.connections.create({
      type: "apiKey",
      connectorRefId: ref.id,
      customerId: "c1",
      apiKey: "good-key-0123456789",
    });
    const bearer = await runtime.connections.create({
      type: "bearer",
      connectorRefId: ref.id,
      customerId: "c1",
      token: "bearer-token-abcdef",
    });
    const basic = await runtime.connections.create({
      type: "basic",
      connectorRefId: ref.id,
      customerId: "c2",
      tenant: "t",
      username: "u",
      password: "basic-password-xyz",
    });
    expect(apiKey).toMatchObject({ authType: "apiKey", status: "ACTIVE", version: 1 });
    expect((await runtime.connections.resolve(apiKey.id)).secrets).toEqual({ apiKey: "good-key-0123456789" });
    expect((await runtime.connections.resolve(bearer.id)).headers).toEqual({
      authorization: "Bearer bearer-token-abcdef",
    });
    expect((await runtime.connections.resolve(basic.id)).headers.authorization).toBe(
      `Basic ${Buffer.from("u:basic-password-xyz").toString("base64")}`,
    );
    const raw = JSON.stringify(
      await Promise.all([apiKey, bearer, basic].map((c) => store.getConnection(c.id))),
    );
    for (const secret of ["good-key-0123456789", "bearer-token-abcdef", "basic-password-xyz"]) {
      expect(raw).not.toContain(secret);
      expect(logs()).not.toContain(secret);
    }
    expect(raw).toContain("synapseops:aes256gcm:k1:");
    expect((await runtime.connections.list({ customerId: "c1" })).items).toHaveLength(2);
    expect((await runtime.connections.list({ tenant: "t" })).items.map((c) => c.id)).toEqual([basic.id]);
    await runtime.close();
  });

  it("tests through the connector; a failure echoing the key is redacted", async () => {
    const { runtime, ref } = await setup();
    const good = await runtime.connections.create({
      type: "apiKey",
      connectorRefId: ref.id,
      customerId: "c",
      apiKey: "good-key-0123456789",
    });
    expect(await runtime.connections.test(good.id)).toMatchObject({ ok: true });
    const bad = await runtime.connections.create({
      type: "apiKey",
      connectorRefId: ref.id,
      customerId: "c",
      apiKey: "leaky-key-9876543210",
    });
    const result = await runtime.connections.test(bad.id);
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain("leaky-key-9876543210");
    // Reconnect with a new key makes it pass.
    await runtime.connections.reconnect(bad.id, { apiKey: "good-key-0123456789" });
    expect(await runtime.connections.test(bad.id)).toMatchObject({ ok: true });
    await runtime.close();
  });

  it("refuses bad input with a pointer, unknown refs and ids with NotFoundError", async () => {
    const { runtime, ref } = await setup();
    await expect(
      runtime.connections.create({ type: "apiKey", connectorRefId: ref.id, customerId: "c", apiKey: "" }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", path: "/apiKey" });
    await expect(
      runtime.connections.create({
        type: "bearer",
        connectorRefId: "con_missing",
        customerId: "c",
        token: "t0k3n",
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(runtime.connections.resolve("conn_missing")).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      runtime.connections.connectUrl({ provider: "demo", connectorRefId: ref.id, customerId: "" }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", path: "/customerId" });
    await expect(
      runtime.connections.connectUrl({
        provider: "demo",
        connectorRefId: ref.id,
        customerId: "c",
        redirectUri: "not a url",
      }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", path: "/redirectUri" });
    await expect(
      runtime.connections.connectUrl({ provider: "nope", connectorRefId: ref.id, customerId: "c" }),
    ).rejects.toBeInstanceOf(ValidationError);
    await runtime.close();
  });

  it("revoked connections fail fast; delete removes them", async () => {
    const { runtime, ref } = await setup();
    const events: string[] = [];
    runtime.connections.subscribe((event) => events.push(event.type));
    const connection = await runtime.connections.create({
      type: "bearer",
      connectorRefId: ref.id,
      customerId: "c",
      token: "bearer-token-abcdef",
    });
    expect((await runtime.connections.revoke(connection.id)).status).toBe("REVOKED");
    await expect(runtime.connections.resolve(connection.id)).rejects.toBeInstanceOf(ConnectionBrokenError);
    await runtime.connections.delete(connection.id);
    await expect(runtime.connections.delete(connection.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(events).toEqual(["connection.created", "connection.revoked", "connection.deleted"]);
    await runtime.close();
  });

  it("key rotation re-encrypts every connection under the new key", async () => {
    const store = memoryStore();
    const first = await setup(staticKeyProvider([k1]), store);
    const ids = [];
    for (let i = 0; i < 3; i += 1) {
      ids.push(
        (
          await first.runtime.connections.create({
            type: "apiKey",
            connectorRefId: first.ref.id,
            customerId: `c${i}`,
            apiKey: `rotating-key-${i}-abcdef`,
          })
        ).id,
      );
    }
    const rotated = createRuntime({ store, connections: { keys: staticKeyProvider([k2, k1]) } });
    expect(await rotated.connections.reencrypt()).toEqual({ reencrypted: 3, total: 3 });
    expect(await rotated.connections.reencrypt()).toEqual({ reencrypted: 0, total: 3 });
    for (const id of ids)
      expect((await store.getConnection(id))?.credentials.startsWith("synapseops:aes256gcm:k2:")).toBe(true);
    const onlyNew = createRuntime({ store, connections: { keys: staticKeyProvider([k2]) } });
    expect((await onlyNew.connections.resolve(ids[2]!)).secrets.apiKey).toBe("rotating-key-2-abcdef");
    const onlyOld = createRuntime({ store, connections: { keys: staticKeyProvider([k1]) } });
    await expect(onlyOld.connections.resolve(ids[0]!)).rejects.toMatchObject({ code: "STORE" });
  });
});

describe("client credentials connections", () => {
  let oidc: OidcServer;
  beforeAll(async () => {
    oidc = await startOidcServer({ accessTokenTtl: 3600 });
  });
  afterAll(async () => {
    await oidc?.close();
  });

  it("fetches a token at creation, uses it, and breaks on a client the server refuses", async () => {
    const provider = {
      issuer: oidc.issuer,
      authorizationEndpoint: `${oidc.issuer}/auth`,
      tokenEndpoint: `${oidc.issuer}/token`,
      clientId: oidc.clientId,
      clientSecret: oidc.clientSecret,
      allowInsecureHttp: true,
    };
    const broken: string[] = [];
    const runtime = createRuntime({
      connections: {
        keys: staticKeyProvider([k1]),
        providers: { demo: provider },
        onBroken: (c) => void broken.push(c.id),
      },
    });
    const project = await runtime.projects.create({ name: "cc" });
    const ref = await runtime.connectorRefs.put(project.id, { type: "http", name: "API" });
    const connection = await runtime.connections.create({
      type: "clientCredentials",
      provider: "demo",
      connectorRefId: ref.id,
      customerId: "m2m",
    });
    expect(connection.status).toBe("ACTIVE");
    expect(oidc.counts.clientCredentials).toBe(1);
    const { headers } = await runtime.connections.resolve(connection.id);
    expect((await fetch(`${oidc.issuer}/api/me`, { headers: { ...headers } })).status).toBe(200);
    const wrong = await runtime.connections.create({
      type: "clientCredentials",
      provider: "demo",
      connectorRefId: ref.id,
      customerId: "m2m-2",
      clientId: oidc.clientId,
      clientSecret: "not-the-client-secret",
    });
    expect(wrong.status).toBe("BROKEN");
    expect(wrong.lastError?.code).toBe("invalid_client");
    expect(broken).toEqual([wrong.id]);
    await expect(runtime.connections.resolve(wrong.id)).rejects.toBeInstanceOf(ConnectionBrokenError);
    await runtime.close();
  });
});
