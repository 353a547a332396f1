import { connectorTestContext } from "@synapseops/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { json, startLocalServer } from "../../test/local-server";
import { http } from "../index";

// A local OAuth 2.0 token endpoint (RFC 6749 §4.4) and an API that accepts only its live tokens.
let issued = 0;
let lifetimeSeconds = 60;
const live = new Set<string>();
const tokenServer = await startLocalServer(async (request, response) => {
  const form = new URLSearchParams(request.body);
  const expected = `Basic ${Buffer.from("shop-app:s3cr%C3%A9t").toString("base64")}`;
  if (form.get("grant_type") !== "client_credentials" || request.headers.authorization !== expected) {
    return json(response, 401, { error: "invalid_client", error_description: "bad credentials" });
  }
  // Slow enough that concurrent callers overlap with the request in flight.
  await new Promise((resolve) => setTimeout(resolve, 50));
  issued += 1;
  const token = `tok-${issued}`;
  live.add(token);
  return json(response, 200, { access_token: token, token_type: "Bearer", expires_in: lifetimeSeconds });
});
const api = await startLocalServer((request, response) => {
  const token = request.headers.authorization?.replace(/^Bearer /, "") ?? "";
  if (!live.has(token)) return json(response, 401, { error: "invalid_token" });
  return json(response, 200, { token });
});
afterAll(async () => {
  await tokenServer.close();
  await api.close();
});

let clock = 1_000_000;
const connector = http({ now: () => clock });
const config = connector.parseConfig({
  baseUrl: api.url,
  auth: {
    type: "oauth2ClientCredentials",
    tokenUrl: `${tokenServer.url}/token`,
    clientId: "shop-app",
    scope: "orders",
  },
});
const context = () => connectorTestContext({ secrets: { clientSecret: "s3crét" } });
const call = async () =>
  ((await connector.write!(config, {}, context())) as { body: { token: string } }).body.token;

describe("http connector: OAuth2 client credentials", () => {
  it("concurrent callers share one token request, and the token is cached", async () => {
    const tokens = await Promise.all(Array.from({ length: 20 }, call));
    expect(new Set(tokens)).toEqual(new Set(["tok-1"]));
    expect(issued).toBe(1);
    expect(await call()).toBe("tok-1");
    expect(issued).toBe(1);
    expect(new URLSearchParams(tokenServer.requests[0]?.body).get("scope")).toBe("orders");
  });

  it("refreshes before expiry (refreshBeforeMs), once for concurrent callers", async () => {
    clock += (lifetimeSeconds - 29) * 1000; // 29 s left < the 30 s default margin
    const tokens = await Promise.all([call(), call(), call()]);
    expect(tokens).toEqual(["tok-2", "tok-2", "tok-2"]);
    expect(issued).toBe(2);
  });

  it("a token revoked early gets one fresh token and the call is repeated", async () => {
    live.clear();
    expect(await call()).toBe("tok-3");
    expect(issued).toBe(3);
  });

  it("rejected client credentials are a non-retryable error with the RFC 6749 §5.2 reason", async () => {
    lifetimeSeconds = 60;
    const wrong = http().parseConfig({
      ...config,
      auth: { ...config.auth, clientId: "other" },
    });
    await expect(http().write!(wrong, {}, context())).rejects.toMatchObject({
      code: "CONNECTOR_FAILED",
      retryable: false,
      status: 401,
      message: `oauth2 token endpoint "${tokenServer.url}/token" answered 401: invalid_client (bad credentials)`,
    });
  });
});
