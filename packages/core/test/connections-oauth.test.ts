// Issue 22: connections against a real authorization server (oidc-provider), code + PKCE over HTTP.
import { randomBytes } from "node:crypto";
import {
  aesGcmPayloadCodec,
  ConnectionBrokenError,
  type ConnectionEvent,
  createRuntime,
  memoryStore,
  OAuthError,
  type Runtime,
  staticKeyProvider,
} from "@synapseops/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OidcServer, startOidcServer } from "./_oidc-server";

const keys = staticKeyProvider([{ id: "k1", key: randomBytes(32) }]);
let server: OidcServer;

beforeAll(async () => {
  server = await startOidcServer({ accessTokenTtl: 3600 });
});
afterAll(async () => {
  await server?.close();
});

function runtimeFor(oidc: OidcServer, extra: { onBroken?: () => void } = {}) {
  const runtime = createRuntime({
    store: memoryStore(),
    connections: {
      keys,
      providers: {
        demo: {
          issuer: oidc.issuer,
          authorizationEndpoint: `${oidc.issuer}/auth`,
          tokenEndpoint: `${oidc.issuer}/token`,
          revocationEndpoint: `${oidc.issuer}/token/revocation`,
          clientId: oidc.clientId,
          clientSecret: oidc.clientSecret,
          scopes: ["openid"],
          redirectUri: oidc.redirectUri,
          refreshTokenRotation: "rotating",
          tokenResponseMetadata: ["scope", "access_token"],
          allowInsecureHttp: true,
        },
      },
      ...(extra.onBroken ? { onBroken: extra.onBroken } : {}),
    },
  });
  return runtime;
}

async function callApi(runtime: Runtime, connectionId: string): Promise<number> {
  let resolved = await runtime.connections.resolve(connectionId);
  let response = await fetch(`${server.issuer}/api/me`, { headers: { ...resolved.headers } });
  if (response.status === 401) {
    resolved = await runtime.connections.resolve(connectionId, {
      rejectedAccessToken: resolved.secrets.accessToken ?? "",
    });
    response = await fetch(`${server.issuer}/api/me`, { headers: { ...resolved.headers } });
  }
  await response.body?.cancel();
  return response.status;
}

async function connect(runtime: Runtime, customerId: string) {
  const project = await runtime.projects.create({ name: `oauth ${customerId}` });
  const ref = await runtime.connectorRefs.put(project.id, { type: "http", name: "Demo API" });
  const start = await runtime.connections.connectUrl({
    provider: "demo",
    connectorRefId: ref.id,
    customerId,
  });
  const callback = await server.authorize(start.url, customerId);
  return runtime.connections.completeAuthorization(callback);
}

describe("OAuth 2.0 authorization code + PKCE against oidc-provider", () => {
  it("connects a customer over HTTP, and the token works at the resource server", async () => {
    const runtime = runtimeFor(server);
    const project = await runtime.projects.create({ name: "oauth" });
    const ref = await runtime.connectorRefs.put(project.id, { type: "http", name: "Demo API" });
    const start = await runtime.connections.connectUrl({
      provider: "demo",
      connectorRefId: ref.id,
      customerId: "cust-a",
      metadata: { plan: "gold" },
    });
    const url = new URL(start.url);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("state")).toBe(start.state);
    const callback = await server.authorize(start.url, "cust-a");
    // An authorization code the provider issued (base64url), and the state we sent, back.
    expect(callback.searchParams.get("code")).toMatch(/^[\w-]{16,}$/);
    expect(callback.searchParams.get("state")).toBe(start.state);
    const connection = await runtime.connections.completeAuthorization(callback);
    expect(connection).toMatchObject({
      authType: "oauth2",
      status: "ACTIVE",
      customerId: "cust-a",
      connectorRefId: ref.id,
      metadata: { plan: "gold", scope: "openid" },
    });
    // A field named like a token is never copied into metadata, even when asked for.
    expect(connection.metadata).not.toHaveProperty("access_token");
    expect(connection.scopes).toContain("openid");
    expect(connection).not.toHaveProperty("credentials");
    expect(await callApi(runtime, connection.id)).toBe(200);
    // The state is single use: the same callback again is refused.
    await expect(runtime.connections.completeAuthorization(callback)).rejects.toBeInstanceOf(OAuthError);
    const listed = await runtime.connections.list({ customerId: "cust-a" });
    expect(listed.items.map((item) => item.id)).toEqual([connection.id]);
    await runtime.close();
  });

  it("a callback carrying the provider's error is an OAuthError, not a connection", async () => {
    const runtime = runtimeFor(server);
    const project = await runtime.projects.create({ name: "denied" });
    const ref = await runtime.connectorRefs.put(project.id, { type: "http", name: "Demo API" });
    const start = await runtime.connections.connectUrl({
      provider: "demo",
      connectorRefId: ref.id,
      customerId: "x",
    });
    const denied = new URL(
      `${server.redirectUri}?error=access_denied&state=${start.state}&iss=${encodeURIComponent(server.issuer)}`,
    );
    await expect(runtime.connections.completeAuthorization(denied)).rejects.toMatchObject({
      code: "OAUTH_FAILED",
      oauthError: "access_denied",
    });
    expect((await runtime.connections.list()).items).toHaveLength(0);
    await runtime.close();
  });
});

describe("refresh with rotation, and revocation at the server", () => {
  let short: OidcServer;
  beforeAll(async () => {
    short = await startOidcServer({ accessTokenTtl: 2 });
  });
  afterAll(async () => {
    await short?.close();
  });

  it("refreshes proactively once the token expires; the old refresh token is then refused by the server", async () => {
    const previous = server;
    server = short;
    try {
      const runtime = runtimeFor(short);
      const connection = await connect(runtime, "cust-rot");
      const before = await keys.currentKey();
      const codec = aesGcmPayloadCodec({ keys: staticKeyProvider([before]) });
      const sealed = (await runtime.store.getConnection(connection.id))?.credentials;
      const first = (await codec.decode(sealed)) as { refreshToken: string; accessToken: string };
      expect(await callApi(runtime, connection.id)).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 2_200));
      const refreshesBefore = short.counts.refreshes;
      const statuses = await Promise.all(Array.from({ length: 20 }, () => callApi(runtime, connection.id)));
      expect(statuses.every((status) => status === 200)).toBe(true);
      expect(short.counts.refreshes - refreshesBefore).toBe(1);
      const after = (await codec.decode((await runtime.store.getConnection(connection.id))?.credentials)) as {
        refreshToken: string;
        accessToken: string;
      };
      expect(after.refreshToken).not.toBe(first.refreshToken);
      expect(after.accessToken).not.toBe(first.accessToken);
      expect((await runtime.connections.get(connection.id))?.lastRefreshAt).toBeDefined();
      // The server rejects the used refresh token (rotation).
      const replay = await fetch(`${short.issuer}/token`, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${short.clientId}:${short.clientSecret}`).toString("base64")}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: first.refreshToken }),
      });
      expect(replay.status).toBe(400);
      expect(((await replay.json()) as { error: string }).error).toBe("invalid_grant");
      await runtime.close();
    } finally {
      server = previous;
    }
  });

  it("revocation at the server: BROKEN within one call, event and hook, then fast failures with no server traffic", async () => {
    const previous = server;
    server = short;
    try {
      const broken: string[] = [];
      const runtime = runtimeFor(short, { onBroken: () => broken.push("hook") });
      const events: ConnectionEvent[] = [];
      runtime.connections.subscribe((event) => events.push(event));
      const connection = await connect(runtime, "cust-rev");
      expect(await callApi(runtime, connection.id)).toBe(200);
      expect(await short.revokeGrants("cust-rev")).toBeGreaterThan(0);
      const counts = { ...short.counts };
      // One call: the resource answers 401, the refresh is refused (invalid_grant), the connection breaks.
      await expect(callApi(runtime, connection.id)).rejects.toBeInstanceOf(ConnectionBrokenError);
      expect((await runtime.connections.get(connection.id))?.status).toBe("BROKEN");
      expect(events.filter((event) => event.type === "connection.broken")).toHaveLength(1);
      expect(broken).toEqual(["hook"]);
      expect(short.counts.apiCalls - counts.apiCalls).toBe(1);
      expect(short.counts.refreshErrors - counts.refreshErrors).toBe(1);
      // 50 more calls fail fast: no resource call, no token request.
      const settled = await Promise.allSettled(
        Array.from({ length: 50 }, () => callApi(runtime, connection.id)),
      );
      expect(
        settled.every(
          (result) => result.status === "rejected" && result.reason instanceof ConnectionBrokenError,
        ),
      ).toBe(true);
      expect(short.counts.apiCalls - counts.apiCalls).toBe(1);
      expect(
        short.counts.refreshErrors + short.counts.refreshes - counts.refreshErrors - counts.refreshes,
      ).toBe(1);
      const tested = await runtime.connections.test(connection.id);
      expect(tested).toMatchObject({ ok: false, status: "BROKEN", error: { code: "CONNECTION_BROKEN" } });
      // Reconnect runs the flow again and makes it ACTIVE.
      const again = await runtime.connections.reconnect(connection.id);
      expect("url" in again).toBe(true);
      if ("url" in again) {
        const renewed = await runtime.connections.completeAuthorization(
          await short.authorize(again.url, "cust-rev"),
        );
        expect(renewed).toMatchObject({ id: connection.id, status: "ACTIVE" });
        expect(renewed.lastError).toBeUndefined();
      }
      expect(await callApi(runtime, connection.id)).toBe(200);
      await runtime.close();
    } finally {
      server = previous;
    }
  });

  it("revoke() revokes the tokens at the provider and makes calls fail fast", async () => {
    const previous = server;
    server = short;
    try {
      const runtime = runtimeFor(short);
      const connection = await connect(runtime, "cust-out");
      const resolved = await runtime.connections.resolve(connection.id);
      const revoked = await runtime.connections.revoke(connection.id);
      expect(revoked.status).toBe("REVOKED");
      const response = await fetch(`${short.issuer}/api/me`, { headers: { ...resolved.headers } });
      expect(response.status).toBe(401);
      await expect(runtime.connections.resolve(connection.id)).rejects.toMatchObject({
        code: "CONNECTION_BROKEN",
        status: "REVOKED",
      });
      await runtime.connections.delete(connection.id);
      expect(await runtime.connections.get(connection.id)).toBeUndefined();
      await runtime.close();
    } finally {
      server = previous;
    }
  });
});
