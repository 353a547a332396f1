import {
  type ConnectorContext,
  ConnectorError,
  connectorErrorFromStatus,
  isRetryableNetworkError,
} from "@synapseops/core";
import { requireSecret } from "./_secret";
import type { HttpAuth } from "./config";

type OAuth2Auth = Extract<HttpAuth, { type: "oauth2ClientCredentials" }>;

interface CachedToken {
  accessToken: string;
  /** Epoch ms when the token stops working. */
  expiresAt: number;
}

/** Tokens of the OAuth 2.0 client credentials grant (RFC 6749 §4.4), cached per client. */
export interface OAuth2TokenCache {
  /** A valid token: the cached one, or a new one (one request in flight per client). */
  token(auth: OAuth2Auth, context: ConnectorContext, options?: { force?: boolean }): Promise<string>;
  /** Drops a client's token (after a 401). */
  invalidate(auth: OAuth2Auth): void;
}

/** When expires_in is absent (RFC 6749 §5.1 makes it optional), assume an hour. */
const DEFAULT_LIFETIME_MS = 3_600_000;

/**
 * A token cache: tokens are reused until `refreshBeforeMs` before they expire, and concurrent
 * callers share the one token request in flight instead of each fetching a token.
 */
export function oauth2TokenCache(fetchImpl: typeof fetch, now: () => number = Date.now): OAuth2TokenCache {
  const tokens = new Map<string, CachedToken>();
  const inflight = new Map<string, Promise<CachedToken>>();
  const keyOf = (auth: OAuth2Auth): string =>
    JSON.stringify([auth.tokenUrl, auth.clientId, auth.scope ?? "", auth.audience ?? ""]);

  async function request(auth: OAuth2Auth, context: ConnectorContext): Promise<CachedToken> {
    const secret = requireSecret(context, auth.clientSecret, "http oauth2");
    const form = new URLSearchParams({ grant_type: "client_credentials" });
    if (auth.scope !== undefined) form.set("scope", auth.scope);
    if (auth.audience !== undefined) form.set("audience", auth.audience);
    const headers: Record<string, string> = {
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
    };
    if (auth.clientAuth === "basic") {
      // RFC 6749 §2.3.1: id and secret are form-urlencoded before being joined and base64-encoded.
      const pair = `${encodeURIComponent(auth.clientId)}:${encodeURIComponent(secret)}`;
      headers.authorization = `Basic ${Buffer.from(pair).toString("base64")}`;
    } else {
      form.set("client_id", auth.clientId);
      form.set("client_secret", secret);
    }
    const where = `oauth2 token endpoint "${auth.tokenUrl}"`;
    let response: Response;
    try {
      response = await fetchImpl(auth.tokenUrl, {
        method: "POST",
        headers,
        body: form.toString(),
        signal: context.signal,
        // A 307/308 would resend the client secret to wherever it points (issue 19): a token
        // endpoint that redirects is answered as the error its status is.
        redirect: "manual",
      });
    } catch (error) {
      throw new ConnectorError(`${where}: request failed (${errorCode(error)})`, {
        retryable: isRetryableNetworkError(error),
        cause: error,
      });
    }
    const text = await response.text();
    if (!response.ok) {
      throw connectorErrorFromStatus(
        response.status,
        `${where} answered ${response.status}${oauthError(text)}`,
        { retryAfter: response.headers.get("retry-after") },
      );
    }
    let body: { access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch (error) {
      throw ConnectorError.nonRetryable(`${where} answered with a body that is not JSON`, {
        status: response.status,
        cause: error,
      });
    }
    if (typeof body.access_token !== "string" || body.access_token === "") {
      throw ConnectorError.nonRetryable(`${where} answered without an access_token`, {
        status: response.status,
      });
    }
    const lifetimeMs =
      typeof body.expires_in === "number" && body.expires_in > 0
        ? body.expires_in * 1000
        : DEFAULT_LIFETIME_MS;
    return { accessToken: body.access_token, expiresAt: now() + lifetimeMs };
  }

  return {
    async token(auth, context, options = {}) {
      const key = keyOf(auth);
      const cached = tokens.get(key);
      if (!options.force && cached !== undefined && now() < cached.expiresAt - auth.refreshBeforeMs) {
        return cached.accessToken;
      }
      let pending = inflight.get(key);
      if (pending === undefined) {
        pending = request(auth, context).finally(() => inflight.delete(key));
        inflight.set(key, pending);
      }
      const token = await pending;
      tokens.set(key, token);
      return token.accessToken;
    },
    invalidate(auth) {
      tokens.delete(keyOf(auth));
    },
  };
}

/** RFC 6749 §5.2 error fields, when the body has them. */
function oauthError(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; error_description?: unknown };
    if (typeof body.error !== "string") return "";
    return `: ${body.error}${typeof body.error_description === "string" ? ` (${body.error_description})` : ""}`;
  } catch {
    return "";
  }
}

/** The Node/undici error code in an error's cause chain, for messages. */
export function errorCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === "object"; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return error instanceof Error ? error.message : String(error);
}
