import * as oauth from "oauth4webapi";
import { ConnectorError } from "../connector-error";
import { OAuthError } from "../errors";
import type { OAuthProviderConfig } from "./oauth-provider";

/**
 * The OAuth 2.0 exchanges a connection needs, done by `oauth4webapi`: building the authorization
 * request, the code grant with PKCE, the refresh and client credentials grants and revocation.
 * Errors come out typed: `OAuthError` for a refusal (its `oauthError` is the RFC 6749 §5.2 code),
 * a retryable `ConnectorError` for a network failure or a 5xx.
 */

/** A token endpoint's answer, reduced to what a connection keeps. */
export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms. */
  expiresAt?: number;
  /** Epoch ms when the answer came. */
  obtainedAt: number;
  /** The response's other string fields (never the tokens), for `tokenResponseMetadata`. */
  fields: Record<string, string>;
  scopes?: string[];
}

function server(config: OAuthProviderConfig): oauth.AuthorizationServer {
  return {
    issuer: config.issuer ?? new URL(config.authorizationEndpoint).origin,
    authorization_endpoint: config.authorizationEndpoint,
    token_endpoint: config.tokenEndpoint,
    ...(config.revocationEndpoint === undefined ? {} : { revocation_endpoint: config.revocationEndpoint }),
  };
}

function clientAuth(config: OAuthProviderConfig): oauth.ClientAuth {
  const secret = config.clientSecret ?? "";
  if (config.tokenEndpointAuthMethod === "client_secret_post") return oauth.ClientSecretPost(secret);
  if (config.tokenEndpointAuthMethod === "none") return oauth.None();
  return oauth.ClientSecretBasic(secret);
}

function requestOptions(
  config: OAuthProviderConfig,
  signal?: AbortSignal,
): oauth.TokenEndpointRequestOptions {
  return {
    ...(Object.keys(config.tokenParams).length > 0 ? { additionalParameters: config.tokenParams } : {}),
    ...(signal === undefined ? {} : { signal }),
    // biome-ignore lint/suspicious/noExplicitAny: the symbol is deprecated on purpose; tests on localhost need it.
    ...(config.allowInsecureHttp ? { [oauth.allowInsecureRequests as any]: true } : {}),
  };
}

/** The authorization request URL, with PKCE (S256) and state. */
export async function authorizationUrl(
  config: OAuthProviderConfig,
  request: { state: string; codeVerifier: string; redirectUri: string; scopes: readonly string[] },
): Promise<URL> {
  const url = new URL(config.authorizationEndpoint);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", config.clientId);
  url.searchParams.set("redirect_uri", request.redirectUri);
  if (request.scopes.length > 0) url.searchParams.set("scope", request.scopes.join(config.scopeSeparator));
  url.searchParams.set("state", request.state);
  if (config.pkce) {
    url.searchParams.set("code_challenge", await oauth.calculatePKCECodeChallenge(request.codeVerifier));
    url.searchParams.set("code_challenge_method", "S256");
  }
  for (const [name, value] of Object.entries(config.authorizationParams)) url.searchParams.set(name, value);
  return url;
}

/** Random `state` and PKCE verifier (oauth4webapi's generators: 32 random bytes each). */
export function newAuthorizationSecrets(): { state: string; codeVerifier: string } {
  return { state: oauth.generateRandomState(), codeVerifier: oauth.generateRandomCodeVerifier() };
}

/** Checks the callback's parameters (state, `iss`, `error`) and redeems the code. */
export async function redeemAuthorizationCode(
  config: OAuthProviderConfig,
  callback: URL,
  expected: { state: string; codeVerifier: string; redirectUri: string },
): Promise<TokenSet> {
  const as = server(config);
  const client: oauth.Client = { client_id: config.clientId };
  return exchange("authorization code", async () => {
    const params = oauth.validateAuthResponse(as, client, callback.searchParams, expected.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth(config),
      params,
      expected.redirectUri,
      config.pkce ? expected.codeVerifier : oauth.nopkce,
      requestOptions(config),
    );
    return oauth.processAuthorizationCodeResponse(as, client, response);
  });
}

/** The refresh token grant (RFC 6749 §6). */
export async function refreshAccessToken(
  config: OAuthProviderConfig,
  refreshToken: string,
  signal?: AbortSignal,
): Promise<TokenSet> {
  const as = server(config);
  const client: oauth.Client = { client_id: config.clientId };
  return exchange("refresh", async () => {
    const response = await oauth.refreshTokenGrantRequest(
      as,
      client,
      clientAuth(config),
      refreshToken,
      requestOptions(config, signal),
    );
    return oauth.processRefreshTokenResponse(as, client, response);
  });
}

/** The client credentials grant (RFC 6749 §4.4). */
export async function clientCredentialsToken(
  config: OAuthProviderConfig,
  scopes: readonly string[],
  signal?: AbortSignal,
): Promise<TokenSet> {
  const as = server(config);
  const client: oauth.Client = { client_id: config.clientId };
  return exchange("client credentials", async () => {
    const params: Record<string, string> =
      scopes.length > 0 ? { scope: scopes.join(config.scopeSeparator) } : {};
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      clientAuth(config),
      { ...params, ...config.tokenParams },
      requestOptions(config, signal),
    );
    return oauth.processClientCredentialsResponse(as, client, response);
  });
}

/** RFC 7009 revocation of a token at the provider. */
export async function revokeToken(config: OAuthProviderConfig, token: string): Promise<void> {
  if (config.revocationEndpoint === undefined) return;
  const as = server(config);
  const client: oauth.Client = { client_id: config.clientId };
  await exchange("revocation", async () => {
    const response = await oauth.revocationRequest(
      as,
      client,
      clientAuth(config),
      token,
      requestOptions(config),
    );
    await oauth.processRevocationResponse(response);
    return { access_token: "-", token_type: "bearer" } as oauth.TokenEndpointResponse;
  });
}

/** Runs one exchange and types its failure; messages never carry a token. */
async function exchange(what: string, run: () => Promise<oauth.TokenEndpointResponse>): Promise<TokenSet> {
  let body: oauth.TokenEndpointResponse;
  try {
    body = await run();
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError || error instanceof oauth.AuthorizationResponseError) {
      const status = error instanceof oauth.ResponseBodyError ? error.status : undefined;
      if (status !== undefined && status >= 500) {
        throw new ConnectorError(`OAuth ${what}: the token endpoint answered ${status} (${error.error})`, {
          retryable: true,
          status,
          cause: error,
        });
      }
      throw new OAuthError(
        `OAuth ${what} refused: ${error.error}${error.error_description ? ` (${error.error_description})` : ""}`,
        { oauthError: error.error },
      );
    }
    if (error instanceof oauth.WWWAuthenticateChallengeError) {
      // RFC 6749 §5.2: a 401 with a challenge from the token endpoint is a client that failed to
      // authenticate (invalid_client), whatever parameters the challenge carries.
      const named = error.cause.find((challenge) => typeof challenge.parameters.error === "string");
      const code = named?.parameters.error ?? (error.status === 401 ? "invalid_client" : "invalid_request");
      throw new OAuthError(`OAuth ${what} refused: ${code} (HTTP ${error.status})`, { oauthError: code });
    }
    if (error instanceof TypeError || (error instanceof Error && error.name === "AbortError")) {
      throw new ConnectorError(`OAuth ${what}: request failed (${error.message})`, {
        retryable: true,
        cause: error,
      });
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new OAuthError(`OAuth ${what} failed: ${message}`, { cause: error });
  }
  const obtainedAt = Date.now();
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === "string" && !/token/i.test(name)) fields[name] = value;
  }
  return {
    accessToken: body.access_token,
    obtainedAt,
    fields,
    ...(body.refresh_token === undefined ? {} : { refreshToken: body.refresh_token }),
    ...(typeof body.expires_in === "number" ? { expiresAt: obtainedAt + body.expires_in * 1000 } : {}),
    ...(typeof body.scope === "string" ? { scopes: body.scope.split(/[\s,]+/).filter(Boolean) } : {}),
  };
}
