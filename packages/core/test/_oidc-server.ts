import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

/**
 * A real authorization server for tests: `oidc-provider` on 127.0.0.1 with the authorization code
 * flow (PKCE required), rotating refresh tokens, client credentials and revocation, plus a
 * protected resource (`GET /api/me`) that accepts only live access tokens of live grants. It
 * counts what the connections code must keep low: refresh grants and resource calls.
 */
export interface OidcServer {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** Refresh token grants answered with a token, and refused. */
  counts: {
    refreshes: number;
    refreshErrors: number;
    apiCalls: number;
    api401: number;
    clientCredentials: number;
  };
  /** Drives the browser part of the flow over HTTP: follows the connect URL, logs in, consents, returns the callback URL. */
  authorize(connectUrl: string, accountId?: string): Promise<URL>;
  /** Every access and refresh token the server issued (canary values: none may leak). */
  issuedTokens: Set<string>;
  /** Distinct access tokens the resource accepted. */
  acceptedTokens: Set<string>;
  /** Revokes every grant of an account at the server (what a customer does in the provider's UI). */
  revokeGrants(accountId: string): Promise<number>;
  provider: Provider;
  close(): Promise<void>;
}

/** Options of {@link startOidcServer}. */
export interface OidcServerOptions {
  /** Access token lifetime in seconds. @default 3600 */
  accessTokenTtl?: number;
  /** The client's registered redirect URI (a real callback, for a browser). @default an unreachable one */
  redirectUri?: string;
}

/** Starts the server on a free port. */
export async function startOidcServer(options: OidcServerOptions = {}): Promise<OidcServer> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = "synapseops-test";
  const clientSecret = `client-secret-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  const redirectUri = options.redirectUri ?? "http://127.0.0.1:1/callback";
  const grantsByAccount = new Map<string, Set<string>>();
  const ttl = options.accessTokenTtl ?? 3600;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ["authorization_code", "refresh_token", "client_credentials"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      clientCredentials: { enabled: true },
    },
    rotateRefreshToken: () => true,
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    expiresWithSession: async () => false,
    ttl: {
      AccessToken: () => ttl,
      ClientCredentials: () => ttl,
      RefreshToken: () => 3600,
      Grant: () => 3600,
      Interaction: () => 600,
      Session: () => 3600,
    },
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ["synapseops-test-cookie-key"] },
  });
  const counts = { refreshes: 0, refreshErrors: 0, apiCalls: 0, api401: 0, clientCredentials: 0 };
  provider.on("grant.success", (ctx) => {
    const grantType = (ctx.oidc.params as { grant_type?: string } | undefined)?.grant_type;
    if (grantType === "refresh_token") counts.refreshes += 1;
    if (grantType === "client_credentials") counts.clientCredentials += 1;
  });
  provider.on("grant.error", (ctx) => {
    if ((ctx.oidc.params as { grant_type?: string } | undefined)?.grant_type === "refresh_token") {
      counts.refreshErrors += 1;
    }
  });
  const issuedTokens = new Set<string>();
  const acceptedTokens = new Set<string>();
  provider.on("access_token.saved", (token) => issuedTokens.add(token.jti));
  provider.on("refresh_token.saved", (token) => issuedTokens.add(token.jti));
  provider.on("client_credentials.saved", (token) => issuedTokens.add(token.jti));
  // Silences oidc-provider's own error logging of expected refusals (invalid_grant…).
  provider.on("server_error", () => {});

  const callback = provider.callback();
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", issuer);
    if (url.pathname.startsWith("/interaction/")) {
      void finishInteraction(req, res);
      return;
    }
    if (url.pathname === "/api/me") {
      void protectedResource(req, res);
      return;
    }
    callback(req, res);
  });

  /** Logs the account in and grants what was asked, in one step (a test has no login page). */
  async function finishInteraction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const details = await provider.interactionDetails(req, res);
      const accountId = new URL(req.url ?? "/", issuer).searchParams.get("account") ?? "customer-1";
      const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
      const scope = typeof details.params.scope === "string" ? details.params.scope : "";
      if (scope !== "") grant.addOIDCScope(scope);
      const grantId = await grant.save();
      const ids = grantsByAccount.get(accountId) ?? new Set<string>();
      ids.add(grantId);
      grantsByAccount.set(accountId, ids);
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId }, consent: { grantId } },
        { mergeWithLastSubmission: false },
      );
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  }

  async function protectedResource(req: IncomingMessage, res: ServerResponse): Promise<void> {
    counts.apiCalls += 1;
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const found = token === undefined ? undefined : await provider.AccessToken.find(token);
    const live = found !== undefined && (await provider.Grant.find(found.grantId ?? "")) !== undefined;
    const client = token === undefined || live ? undefined : await provider.ClientCredentials.find(token);
    if (!live && client === undefined) {
      counts.api401 += 1;
      res.writeHead(401, { "www-authenticate": 'Bearer error="invalid_token"' }).end();
      return;
    }
    if (token !== undefined) acceptedTokens.add(token);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ sub: found?.accountId ?? client?.clientId }));
  }

  const remember = (cookieJar: Map<string, string>, response: Response): void => {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const eq = pair?.indexOf("=") ?? -1;
      if (pair !== undefined && eq > 0) cookieJar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  };

  return {
    issuer,
    clientId,
    clientSecret,
    redirectUri,
    counts,
    provider,
    issuedTokens,
    acceptedTokens,
    async authorize(connectUrl, accountId = "customer-1") {
      // A fresh browser per authorization: each customer logs in on their own.
      const cookieJar = new Map<string, string>();
      let next = new URL(connectUrl);
      for (let hop = 0; hop < 10; hop += 1) {
        if (next.href.startsWith(redirectUri)) return next;
        if (next.pathname.startsWith("/interaction/")) next.searchParams.set("account", accountId);
        const response = await fetch(next, {
          redirect: "manual",
          headers: { cookie: [...cookieJar].map(([name, value]) => `${name}=${value}`).join("; ") },
        });
        remember(cookieJar, response);
        const location = response.headers.get("location");
        if (location === null) {
          throw new Error(
            `authorization stopped at ${next.pathname} with ${response.status}: ${await response.text()}`,
          );
        }
        next = new URL(location, next);
      }
      throw new Error("authorization did not reach the redirect URI in 10 hops");
    },
    async revokeGrants(accountId) {
      const ids = grantsByAccount.get(accountId) ?? new Set<string>();
      for (const id of ids) {
        const grant = await provider.Grant.find(id);
        await grant?.destroy();
      }
      grantsByAccount.delete(accountId);
      return ids.size;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
