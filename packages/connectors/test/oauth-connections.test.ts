// Issue 22: the OAuth callback adapters and the http connector on a customer's connection,
// against a real authorization server (oidc-provider, started locally).
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createRuntime, memoryStore, type Runtime, staticKeyProvider } from "@synapseops/core";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OidcServer, startOidcServer } from "../../core/test/_oidc-server";
import {
  createTraceRecorder,
  expressOAuthCallbackHandler,
  fastifyOAuthCallbackHandler,
  fetchOAuthCallbackHandler,
  honoOAuthCallbackHandler,
  http,
  nodeOAuthCallbackHandler,
  type RecordedTrace,
} from "../src/index";

let oidc: OidcServer;
let runtime: Runtime;
let refId = "";
const closers: Array<() => Promise<void>> = [];
const successRedirect = "https://app.example/settings/integrations";
const traces: RecordedTrace[] = [];

beforeAll(async () => {
  oidc = await startOidcServer({ accessTokenTtl: 3600 });
  runtime = createRuntime({
    store: memoryStore(),
    connectors: [
      http({
        traces: createTraceRecorder({
          projectId: "prj_traces",
          environment: "test",
          onTrace: (t) => traces.push(t),
        }),
      }),
    ],
    connections: {
      keys: staticKeyProvider([{ id: "k1", key: randomBytes(32) }]),
      providers: {
        demo: {
          issuer: oidc.issuer,
          authorizationEndpoint: `${oidc.issuer}/auth`,
          tokenEndpoint: `${oidc.issuer}/token`,
          clientId: oidc.clientId,
          clientSecret: oidc.clientSecret,
          scopes: ["openid"],
          redirectUri: oidc.redirectUri,
          allowInsecureHttp: true,
        },
      },
    },
  }) as unknown as Runtime;
  const project = await runtime.projects.create({ name: "callbacks" });
  const ref = await runtime.connectorRefs.put(project.id, {
    type: "http",
    name: "Demo API",
    config: { baseUrl: oidc.issuer, testPath: "/api/me", auth: { type: "bearer", secret: "token" } },
  });
  refId = ref.id;
});
afterAll(async () => {
  for (const close of closers) await close();
  await runtime?.close();
  await oidc?.close();
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const options = { successRedirect, errorRedirect: "https://app.example/settings/failed" };
const frameworks: Array<[string, () => Promise<string>]> = [
  [
    "node",
    async () => `${await listen(createServer(nodeOAuthCallbackHandler(runtime.connections, options)))}/cb`,
  ],
  [
    "express",
    async () => {
      const app = express();
      const router = express.Router();
      router.get("/cb", expressOAuthCallbackHandler(runtime.connections, options));
      app.use("/oauth", router);
      return `${await listen(createServer(app))}/oauth/cb`;
    },
  ],
  [
    "fastify",
    async () => {
      const app = Fastify();
      app.get("/cb", fastifyOAuthCallbackHandler(runtime.connections, options));
      const url = await app.listen({ port: 0, host: "127.0.0.1" });
      closers.push(() => app.close());
      return `${url}/cb`;
    },
  ],
  [
    "hono",
    async () => {
      const app = new Hono();
      app.get("/cb", honoOAuthCallbackHandler(runtime.connections, options));
      return new Promise((resolve) => {
        const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) =>
          resolve(`http://127.0.0.1:${info.port}/cb`),
        );
        closers.push(() => new Promise((done) => server.close(() => done())));
      });
    },
  ],
  [
    "fetch",
    async () => {
      const handle = fetchOAuthCallbackHandler(runtime.connections, options);
      return new Promise((resolve) => {
        const server = serve({ fetch: handle, port: 0, hostname: "127.0.0.1" }, (info) =>
          resolve(`http://127.0.0.1:${info.port}/cb`),
        );
        closers.push(() => new Promise((done) => server.close(() => done())));
      });
    },
  ],
];

describe.each(frameworks)("OAuth callback adapter: %s", (framework, start) => {
  it("completes the flow and redirects to the app; a replay is refused", async () => {
    const endpoint = await start();
    const connect = await runtime.connections.connectUrl({
      provider: "demo",
      connectorRefId: refId,
      customerId: `cust-${framework}`,
    });
    const callback = await oidc.authorize(connect.url, `cust-${framework}`);
    const hit = () => fetch(`${endpoint}${callback.search}`, { redirect: "manual" });
    const first = await hit();
    expect(first.status).toBe(303);
    const location = new URL(first.headers.get("location") ?? "");
    expect(`${location.origin}${location.pathname}`).toBe(successRedirect);
    const connection = await runtime.connections.get(location.searchParams.get("connection") ?? "");
    expect(connection).toMatchObject({ customerId: `cust-${framework}`, status: "ACTIVE" });
    const again = await hit();
    expect(again.status).toBe(303);
    expect(new URL(again.headers.get("location") ?? "").searchParams.get("error")).toBe("OAUTH_FAILED");
  });
});

describe("the http connector on a connection", () => {
  it("renews once after a 401 (token revoked early), then reports a broken connection", async () => {
    const connect = await runtime.connections.connectUrl({
      provider: "demo",
      connectorRefId: refId,
      customerId: "cust-http",
    });
    const connection = await runtime.connections.completeAuthorization(
      await oidc.authorize(connect.url, "cust-http"),
    );
    expect(await runtime.connections.test(connection.id)).toMatchObject({ ok: true, status: "ACTIVE" });
    // The server drops the access token before its expiry: the next call gets a 401.
    const { secrets } = await runtime.connections.resolve(connection.id);
    await (await oidc.provider.AccessToken.find(secrets.token ?? ""))?.destroy();
    const before = { ...oidc.counts };
    expect(await runtime.connections.test(connection.id)).toMatchObject({ ok: true, status: "ACTIVE" });
    expect(oidc.counts.refreshes - before.refreshes).toBe(1);
    expect(oidc.counts.api401 - before.api401).toBe(1);
    // The customer revokes access at the provider: the call breaks the connection, typed.
    await oidc.revokeGrants("cust-http");
    const broken = await runtime.connections.test(connection.id);
    expect(broken).toMatchObject({ ok: false, status: "BROKEN", error: { code: "CONNECTION_BROKEN" } });
    // Canary tokens: the recorded exchanges (including the rejected call) carry none of them.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(traces.length).toBeGreaterThanOrEqual(3);
    const recorded = JSON.stringify(traces);
    expect([...oidc.issuedTokens].filter((token) => recorded.includes(token))).toEqual([]);
  });
});
