import type { ConnectorConnection } from "../connector";
import {
  ConflictError,
  ConnectionBrokenError,
  NotFoundError,
  OAuthError,
  type SynapseError,
} from "../errors";
import type { Logger } from "../logger";
import type { Store } from "../store/types";
import { clientCredentialsToken, refreshAccessToken, type TokenSet } from "./_oauth-grants";
import {
  type Connection,
  type ConnectionCredentials,
  publicConnection,
  type StoredConnection,
} from "./connection";
import type { ConnectionEvents } from "./connection-events";
import type { ConnectionLock } from "./connection-lock";
import type { CredentialBox } from "./credential-box";
import type { OAuthProviderConfig } from "./oauth-provider";

/**
 * What a connector call needs from a connection: its credentials under the secret names
 * connectors use, and the HTTP header that carries them when the auth type has a standard one.
 */
export interface ResolvedConnection {
  connection: Connection;
  /**
   * `token` and `accessToken` (OAuth, client credentials, bearer), `apiKey`, or `username` and
   * `password` — the names the http connector's auth reads by default.
   */
  secrets: Readonly<Record<string, string>>;
  /** `authorization` for bearer-like and basic credentials; empty for API keys (their header is the connector's choice). */
  headers: Readonly<Record<string, string>>;
  /**
   * What a connector call's context carries as `connection`: after a 401, `renewSecrets()`
   * refreshes (once across workers) unless another worker already replaced the rejected token.
   */
  handle: ConnectorConnection;
}

/** Options of `connections.resolve`. */
export interface ResolveConnectionOptions {
  /**
   * The access token a peer just rejected (a 401): a refresh happens unless another worker
   * already replaced that token.
   */
  rejectedAccessToken?: string;
  signal?: AbortSignal;
}

/** OAuth errors that mean the grant or the client is gone: no retry will help (RFC 6749 §5.2). */
const FATAL_OAUTH_ERRORS = new Set(["invalid_grant", "invalid_client", "unauthorized_client"]);

/** What the refresher needs. */
export interface TokenRefresherDeps {
  store: Store;
  logger: Logger;
  clock: () => Date;
  box: CredentialBox;
  providers: ReadonlyMap<string, OAuthProviderConfig>;
  events: ConnectionEvents;
  /** Makes a refresh single-flight across workers. */
  lock: ConnectionLock;
  onBroken?: (connection: Connection, error: ConnectionBrokenError) => void | Promise<void>;
}

/** Resolution and refresh of connection credentials, single-flight per process and across workers. */
export interface TokenRefresher {
  resolve(id: string, options?: ResolveConnectionOptions): Promise<ResolvedConnection>;
  /** Writes `change(stored)` with compare-and-set, re-reading on a lost race. */
  mutate(
    id: string,
    change: (stored: StoredConnection) => Promise<StoredConnection> | StoredConnection,
  ): Promise<StoredConnection>;
  /** Marks BROKEN, emits `connection.broken`, calls the host hook; returns the error to throw. */
  markBroken(id: string, reason: string, code: string): Promise<ConnectionBrokenError>;
  /** A token for a client credentials connection, or a renewed OAuth token, now (under the lock). */
  renew(
    id: string,
    options?: ResolveConnectionOptions & { force?: boolean },
  ): Promise<{ stored: StoredConnection; credentials: ConnectionCredentials }>;
  provider(stored: StoredConnection): OAuthProviderConfig;
}

/** Builds the refresher of one runtime. */
export function tokenRefresher(deps: TokenRefresherDeps): TokenRefresher {
  const inflight = new Map<
    string,
    Promise<{ stored: StoredConnection; credentials: ConnectionCredentials }>
  >();
  const now = (): number => deps.clock().getTime();

  async function load(id: string): Promise<StoredConnection> {
    const stored = await deps.store.getConnection(id);
    if (stored === undefined) throw new NotFoundError("connection", id);
    return stored;
  }

  function assertUsable(stored: StoredConnection): void {
    if (stored.status === "BROKEN" || stored.status === "REVOKED") {
      throw new ConnectionBrokenError(
        stored.id,
        stored.status,
        stored.lastError?.message ?? "credentials rejected",
      );
    }
  }

  function provider(stored: StoredConnection): OAuthProviderConfig {
    const config = stored.provider === undefined ? undefined : deps.providers.get(stored.provider);
    if (config === undefined) {
      throw new OAuthError(
        `connection "${stored.id}" uses OAuth provider "${stored.provider ?? ""}", which the runtime's connections.providers do not list`,
      );
    }
    return config;
  }

  function needsRefresh(
    stored: StoredConnection,
    credentials: ConnectionCredentials,
    rejected?: string,
  ): boolean {
    if (stored.authType !== "oauth2" && stored.authType !== "clientCredentials") return false;
    if (credentials.accessToken === undefined) return true;
    if (rejected !== undefined && rejected === credentials.accessToken) return true;
    if (credentials.expiresAt === undefined) return false;
    // A margin longer than half the token's life would refresh on every call (a 5-minute token
    // with a 10-minute margin): it is capped at half the lifetime.
    const lifetime =
      credentials.obtainedAt === undefined
        ? Number.POSITIVE_INFINITY
        : credentials.expiresAt - credentials.obtainedAt;
    const margin = Math.min(provider(stored).refreshBeforeMs, lifetime / 2);
    return now() >= credentials.expiresAt - margin;
  }

  async function mutate(
    id: string,
    change: (stored: StoredConnection) => Promise<StoredConnection> | StoredConnection,
  ): Promise<StoredConnection> {
    for (let attempt = 1; ; attempt += 1) {
      const stored = await load(id);
      const next = await change(stored);
      const written = { ...next, version: stored.version + 1, updatedAt: deps.clock().toISOString() };
      try {
        await deps.store.updateConnection(written, stored.version);
        return written;
      } catch (error) {
        if (!(error instanceof ConflictError) || attempt >= 5) throw error;
      }
    }
  }

  async function markBroken(id: string, reason: string, code: string): Promise<ConnectionBrokenError> {
    const at = deps.clock().toISOString();
    const stored = await mutate(id, (current) => ({
      ...current,
      status: "BROKEN",
      lastError: { code, message: reason, at },
    }));
    const error = new ConnectionBrokenError(id, "BROKEN", reason);
    deps.events.emit({
      type: "connection.broken",
      connectionId: id,
      customerId: stored.customerId,
      status: "BROKEN",
      at,
      error: { code, message: reason },
    });
    try {
      await deps.onBroken?.(publicConnection(stored), error);
    } catch (hookError) {
      deps.logger.warn(
        { connectionId: id, err: hookError instanceof Error ? hookError.message : String(hookError) },
        "the onBroken hook threw",
      );
    }
    return error;
  }

  /** Under the lock: re-read (another worker may have refreshed), then refresh only if still due. */
  async function refreshLocked(
    id: string,
    options: ResolveConnectionOptions & { force?: boolean },
  ): Promise<{ stored: StoredConnection; credentials: ConnectionCredentials }> {
    const stored = await load(id);
    assertUsable(stored);
    const credentials = await deps.box.open(stored.credentials, id);
    if (!options.force && !needsRefresh(stored, credentials, options.rejectedAccessToken)) {
      return { stored, credentials };
    }
    const config = provider(stored);
    await mutate(id, (current) => ({ ...current, status: "REFRESHING" }));
    let tokens: TokenSet;
    try {
      if (stored.authType === "clientCredentials") {
        const own =
          credentials.clientId !== undefined && credentials.clientSecret !== undefined
            ? { ...config, clientId: credentials.clientId, clientSecret: credentials.clientSecret }
            : config;
        tokens = await clientCredentialsToken(own, stored.scopes, options.signal);
      } else {
        if (credentials.refreshToken === undefined) {
          throw await markBroken(
            id,
            "the access token expired and the provider issued no refresh token",
            "no_refresh_token",
          );
        }
        tokens = await refreshAccessToken(config, credentials.refreshToken, options.signal);
      }
    } catch (error) {
      if (error instanceof OAuthError && FATAL_OAUTH_ERRORS.has(error.oauthError ?? "")) {
        throw await markBroken(
          id,
          `the provider refused the ${stored.authType === "oauth2" ? "refresh token" : "client"} (${error.oauthError})`,
          error.oauthError ?? "oauth",
        );
      }
      const failure = error as SynapseError;
      await mutate(id, (current) => ({
        ...current,
        status: current.status === "REFRESHING" ? "ACTIVE" : current.status,
        lastError: {
          code: failure.code ?? "INTERNAL",
          message: failure.message,
          at: deps.clock().toISOString(),
        },
      })).catch(() => undefined);
      throw error;
    }
    const rotated =
      config.refreshTokenRotation === "non-rotating"
        ? credentials.refreshToken
        : (tokens.refreshToken ??
          (config.refreshTokenRotation === "rotating" ? undefined : credentials.refreshToken));
    const next: ConnectionCredentials = {
      ...credentials,
      accessToken: tokens.accessToken,
      ...(rotated === undefined ? {} : { refreshToken: rotated }),
      ...(tokens.expiresAt === undefined ? {} : { expiresAt: tokens.expiresAt }),
      obtainedAt: tokens.obtainedAt,
    };
    if (tokens.expiresAt === undefined) delete next.expiresAt;
    // The access token and the rotated refresh token go to the store in one write.
    const sealed = await deps.box.seal(next, id);
    const at = deps.clock().toISOString();
    const written = await mutate(id, (current) => {
      const { lastError: _lastError, ...rest } = current;
      return {
        ...rest,
        status: "ACTIVE",
        credentials: sealed,
        lastRefreshAt: at,
        ...(tokens.scopes === undefined ? {} : { scopes: tokens.scopes }),
        ...(tokens.expiresAt === undefined
          ? {}
          : { accessTokenExpiresAt: new Date(tokens.expiresAt).toISOString() }),
      };
    });
    deps.events.emit({
      type: "connection.refreshed",
      connectionId: id,
      customerId: written.customerId,
      status: "ACTIVE",
      at,
    });
    return { stored: written, credentials: next };
  }

  function renew(
    id: string,
    options: ResolveConnectionOptions & { force?: boolean } = {},
  ): Promise<{ stored: StoredConnection; credentials: ConnectionCredentials }> {
    // One refresh per connection in this process; the store lock makes it one across processes.
    let pending = inflight.get(id);
    if (pending === undefined) {
      pending = deps.lock.withLock(id, () => refreshLocked(id, options)).finally(() => inflight.delete(id));
      inflight.set(id, pending);
    }
    return pending;
  }

  function withHandle(
    id: string,
    connection: Connection,
    current: Pick<ResolvedConnection, "secrets" | "headers">,
  ): ResolvedConnection {
    let secrets = current.secrets;
    const handle: ConnectorConnection = {
      id,
      async renewSecrets() {
        const rejected = secrets.accessToken;
        let stored = await load(id);
        assertUsable(stored);
        let credentials = await deps.box.open(stored.credentials, id);
        if (rejected === undefined || needsRefresh(stored, credentials, rejected)) {
          ({ stored, credentials } = await renew(
            id,
            rejected === undefined ? { force: true } : { rejectedAccessToken: rejected },
          ));
        }
        secrets = callSecrets(stored, credentials).secrets;
        return secrets;
      },
    };
    return { connection, ...current, handle };
  }

  return {
    provider,
    mutate,
    markBroken,
    renew,
    async resolve(id, options = {}) {
      let stored = await load(id);
      assertUsable(stored);
      let credentials = await deps.box.open(stored.credentials, id);
      if (needsRefresh(stored, credentials, options.rejectedAccessToken)) {
        ({ stored, credentials } = await renew(id, options));
      }
      return withHandle(id, publicConnection(stored), callSecrets(stored, credentials));
    },
  };
}

/** The secrets and headers of a connector call. */
function callSecrets(
  stored: StoredConnection,
  credentials: ConnectionCredentials,
): Pick<ResolvedConnection, "secrets" | "headers"> {
  switch (stored.authType) {
    case "apiKey":
      return { secrets: { apiKey: credentials.apiKey ?? "" }, headers: {} };
    case "basic": {
      const username = credentials.username ?? "";
      const password = credentials.password ?? "";
      return {
        secrets: { username, password },
        headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` },
      };
    }
    default: {
      const token = credentials.accessToken ?? "";
      return { secrets: { token, accessToken: token }, headers: { authorization: `Bearer ${token}` } };
    }
  }
}
