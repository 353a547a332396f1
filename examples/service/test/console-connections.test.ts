// issue 22: a customer connection made through the console's Connect button, in Debian's headless
// Chromium, against a real authorization server (oidc-provider, code + PKCE, rotating refresh
// tokens): redirect to the provider, back through the service's OAuth callback, the list shows
// ACTIVE; then Revoke (REVOKED) and Reconnect (ACTIVE again) — and no token in any answer.
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { type Connection, staticKeyProvider } from "@synapseops/core";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type OidcServer, startOidcServer } from "../../../packages/core/test/_oidc-server";
import { OAUTH_CALLBACK_PATH } from "../src/routes/connections";
import { chromiumMissing, launchChromium } from "./_browser";
import { startService, type TestService } from "./helpers";

const missing = chromiumMissing;

let oidc: OidcServer;
let service: TestService;
let browser: Browser;
let projectId = "";
const customerId = `cust-${randomBytes(4).toString("hex")}`;
const pageErrors: string[] = [];

/** A free port: the provider must know the service's redirect URI before the service starts. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

beforeAll(async () => {
  if (missing) return;
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}${OAUTH_CALLBACK_PATH}`;
  oidc = await startOidcServer({ redirectUri });
  service = await startService(
    {
      connections: {
        keys: staticKeyProvider([{ id: "k1", key: randomBytes(32) }]),
        redirectUri,
        providers: {
          demo: {
            issuer: oidc.issuer,
            authorizationEndpoint: `${oidc.issuer}/auth`,
            tokenEndpoint: `${oidc.issuer}/token`,
            revocationEndpoint: `${oidc.issuer}/token/revocation`,
            clientId: oidc.clientId,
            clientSecret: oidc.clientSecret,
            scopes: ["openid"],
            refreshTokenRotation: "rotating",
            tokenResponseMetadata: ["scope", "access_token"],
            allowInsecureHttp: true,
          },
        },
      },
    },
    {},
    port,
  );
  const project = await service.api.post<{ id: string }>("/projects", { name: "CRM sync" });
  projectId = project.body.id;
  const crm = await service.api.post(`/projects/${projectId}/connectors`, {
    type: "memory",
    name: "CRM",
    config: { channel: `crm-${randomBytes(4).toString("hex")}` },
  });
  expect(crm.status).toBe(201);
  const created = await service.api.post("/users", {
    name: "edna",
    password: "edna-long-password",
    grants: { [projectId]: "editor" },
  });
  expect(created.status).toBe(201);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await service?.close();
  await oidc?.close();
});

async function signedIn(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(`${service.baseUrl}/console/`);
  await page.fill('input[name="username"]', "edna");
  await page.fill('input[name="password"]', "edna-long-password");
  await page.click('button:has-text("Sign in")');
  await page.locator("#user", { hasText: "edna" }).waitFor();
  await page.goto(`${service.baseUrl}/console/#/projects/${projectId}/connections`);
  await page.locator('button:has-text("Connect")').waitFor();
  return page;
}

const statusBadge = (page: Page, status: string) =>
  page.locator('[data-testid="connections"] tbody tr', { hasText: customerId }).locator(".badge", {
    hasText: status,
  });

it.skipIf(missing)(
  "connects a customer through the provider with the Connect button, revokes and reconnects it",
  async () => {
    const page = await signedIn();
    const visited: string[] = [];
    page.on("request", (request) => {
      if (request.isNavigationRequest())
        visited.push(new URL(request.url()).origin + new URL(request.url()).pathname);
    });
    await page.fill('input[name="customerId"]', customerId);
    await page.click('button:has-text("Connect")');
    await statusBadge(page, "ACTIVE").waitFor({ timeout: 15_000 });
    // The real round trip: the provider's authorization endpoint, then the service's callback.
    expect(visited).toContain(`${oidc.issuer}/auth`);
    expect(visited).toContain(`${service.baseUrl}${OAUTH_CALLBACK_PATH}`);
    expect(new URL(page.url()).searchParams.get("connection")).toMatch(/.+/);

    const listed = await service.api.get<{ items: Connection[] }>(`/projects/${projectId}/connections`);
    const mine = listed.body.items.filter((c) => c.customerId === customerId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ status: "ACTIVE", authType: "oauth2", provider: "demo" });
    expect(mine[0]!.lastRefreshAt).toBeDefined();
    // The resource server accepts the stored token: the connection is real, not just a row.
    const resolved = await service.service.runtime.connections.resolve(mine[0]!.id);
    const me = await fetch(`${oidc.issuer}/api/me`, { headers: { ...resolved.headers } });
    expect(me.status).toBe(200);

    await page.click('button[data-action="revoke"]');
    await statusBadge(page, "REVOKED").waitFor();
    const revokedCall = await fetch(`${oidc.issuer}/api/me`, { headers: { ...resolved.headers } });
    expect(revokedCall.status).toBe(401);

    await page.click('button[data-action="reconnect"]');
    await statusBadge(page, "ACTIVE").waitFor({ timeout: 15_000 });
    const again = await service.api.get<{ items: Connection[] }>(`/projects/${projectId}/connections`);
    expect(again.body.items.filter((c) => c.customerId === customerId).map((c) => c.status)).toEqual([
      "ACTIVE",
    ]);

    // No token the provider issued appears in what the service answered.
    const answered = JSON.stringify([listed.body, again.body]) + (await page.content());
    expect(oidc.issuedTokens.size).toBeGreaterThanOrEqual(4);
    for (const token of oidc.issuedTokens) expect(answered).not.toContain(token);
    // A callback with a state the service never issued stores nothing and says why.
    const forged = await fetch(`${service.baseUrl}${OAUTH_CALLBACK_PATH}?state=forged&code=stolen`, {
      redirect: "manual",
    });
    expect(forged.status).toBe(303);
    expect(new URL(forged.headers.get("location")!).searchParams.get("error")).toMatch(/^[A-Z_]+$/);
    const after = await service.api.get<{ items: Connection[] }>(`/projects/${projectId}/connections`);
    expect(after.body.items).toHaveLength(1);
    expect(pageErrors).toEqual([]);
    await page.close();
  },
  30_000,
);
