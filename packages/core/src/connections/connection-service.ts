import { NotFoundError, OAuthError, SynapseError, ValidationError } from "../errors";
import { newId } from "../ids";
import type { Logger } from "../logger";
import type { SecretRegistry } from "../runs/observe/redactor";
import { envKeyProvider } from "../store/payload-codec";
import type { Page, Store } from "../store/types";
import {
  authorizationUrl,
  newAuthorizationSecrets,
  redeemAuthorizationCode,
  revokeToken,
} from "./_oauth-grants";
import {
  type Connection,
  type ConnectionCredentials,
  type ConnectionFilter,
  type PendingAuthorization,
  publicConnection,
  type StoredConnection,
} from "./connection";
import { type ConnectionEventListener, connectionEvents } from "./connection-events";
import {
  type ConnectionsOptions,
  type ConnectionTestResult,
  type ConnectUrl,
  type ConnectUrlInput,
  ConnectUrlSchema,
  CreateConnectionInput,
  parseInput,
  type ReconnectCredentials,
} from "./connection-inputs";
import type { ConnectionLock } from "./connection-lock";
import { type CredentialBox, connectionSecretSlot, credentialBox } from "./credential-box";
import { parseOAuthProviders } from "./oauth-provider";
import {
  type ResolveConnectionOptions,
  type ResolvedConnection,
  type TokenRefresher,
  tokenRefresher,
} from "./token-refresher";

/**
 * `runtime.connections`: per-customer credentials for connector refs, OAuth 2.0 with its whole
 * lifecycle, encrypted at rest, refreshed once across workers.
 */
export interface ConnectionService {
  /** A connection from credentials handed over directly (API key, bearer, basic, client credentials). */
  create(input: CreateConnectionInput): Promise<Connection>;
  /** Starts an authorization code flow with PKCE: the URL to send the customer to. */
  connectUrl(input: ConnectUrlInput): Promise<ConnectUrl>;
  /**
   * Finishes a flow from the callback URL the provider redirected to (with `code` and `state`):
   * creates the connection, or renews the one `reconnect` named.
   * @throws OAuthError for an unknown or expired state, a provider error or a refused code.
   */
  completeAuthorization(callbackUrl: string | URL): Promise<Connection>;
  get(id: string): Promise<Connection | undefined>;
  list(filter?: ConnectionFilter): Promise<Page<Connection>>;
  /**
   * Credentials for a connector call, refreshed first when due (or when `rejectedAccessToken` is
   * the current token). The seam runs use: see docs/connections-and-oauth.md.
   * @throws ConnectionBrokenError at once for a BROKEN or REVOKED connection.
   */
  resolve(id: string, options?: ResolveConnectionOptions): Promise<ResolvedConnection>;
  /** Resolves the credentials (refreshing when due) and runs the connector's `test` with them. */
  test(id: string): Promise<ConnectionTestResult>;
  /**
   * OAuth: a new connect URL whose callback renews this connection. Others: replaces the
   * credentials (client credentials: fetches a new token) and makes the connection ACTIVE.
   */
  reconnect(
    id: string,
    input?: ReconnectCredentials | Partial<ConnectUrlInput>,
  ): Promise<ConnectUrl | Connection>;
  /** Revokes the tokens at the provider (when it has a revocation endpoint), drops them and marks REVOKED. */
  revoke(id: string): Promise<Connection>;
  /** Deletes the connection and its credentials. @throws NotFoundError. */
  delete(id: string): Promise<void>;
  /** Re-encrypts every connection sealed under another key than the current one (key rotation). */
  reencrypt(): Promise<{ reencrypted: number; total: number }>;
  /** Connection events (`connection.broken`…); returns the unsubscribe function. */
  subscribe(listener: ConnectionEventListener): () => void;
}

/** What the service needs from the runtime. */
export interface ConnectionServiceDeps {
  store: Store;
  logger: Logger;
  clock: () => Date;
  /** Hears every credential value, so the runtime's redactor masks it. */
  secrets: SecretRegistry;
  /** Runs the connector's test for a ref with these secrets. */
  testConnector?: (connectorRefId: string, resolved: ResolvedConnection) => Promise<void>;
  options?: ConnectionsOptions;
}

/** Builds `runtime.connections`. */
export function connectionService(deps: ConnectionServiceDeps): ConnectionService {
  const options = deps.options ?? {};
  const logger = deps.logger.child({ component: "connections" });
  const providers = parseOAuthProviders(options.providers ?? {});
  for (const provider of providers.values()) {
    if (provider.clientSecret !== undefined) deps.secrets.pinSecret(provider.clientSecret);
  }
  const events = connectionEvents(logger);
  let box: CredentialBox | undefined;
  // The key provider is read on first use, so a runtime without connections needs no key.
  const getBox = (): CredentialBox => {
    box ??= credentialBox(options.keys ?? envKeyProvider(), deps.secrets);
    return box;
  };
  const lock: ConnectionLock = options.lock ?? {
    withLock: (id, fn) => deps.store.withConnectionLock(id, fn),
  };
  let refresher: TokenRefresher | undefined;
  const getRefresher = (): TokenRefresher => {
    refresher ??= tokenRefresher({
      store: deps.store,
      logger,
      clock: deps.clock,
      box: getBox(),
      providers,
      events,
      lock,
      ...(options.onBroken === undefined ? {} : { onBroken: options.onBroken }),
    });
    return refresher;
  };
  const nowIso = (): string => deps.clock().toISOString();

  async function requireRef(connectorRefId: string): Promise<void> {
    if ((await deps.store.getConnectorRef(connectorRefId)) === undefined) {
      throw new NotFoundError("connector", connectorRefId);
    }
  }

  function requireProvider(name: string) {
    const provider = providers.get(name);
    if (provider === undefined) {
      const known = [...providers.keys()].join(", ") || "none";
      throw new ValidationError(
        `OAuth provider "${name}" is not configured (connections.providers: ${known})`,
        {
          path: "/provider",
        },
      );
    }
    return provider;
  }

  async function load(id: string): Promise<StoredConnection> {
    const stored = await deps.store.getConnection(id);
    if (stored === undefined) throw new NotFoundError("connection", id);
    return stored;
  }

  async function startAuthorization(input: ConnectUrlInput, connectionId?: string): Promise<ConnectUrl> {
    const provider = requireProvider(input.provider);
    await requireRef(input.connectorRefId);
    const redirectUri = input.redirectUri ?? provider.redirectUri ?? options.redirectUri;
    if (redirectUri === undefined) {
      throw new ValidationError(
        "connectUrl needs a redirectUri (in the call, the provider or connections.redirectUri)",
        {
          path: "/redirectUri",
        },
      );
    }
    const { state, codeVerifier } = newAuthorizationSecrets();
    const expiresAt = new Date(
      deps.clock().getTime() + (options.authorizationTtlMs ?? 600_000),
    ).toISOString();
    const pending: PendingAuthorization = {
      state,
      codeVerifier: await getBox().seal({ accessToken: codeVerifier }),
      provider: input.provider,
      connectorRefId: input.connectorRefId,
      customerId: input.customerId,
      ...(input.tenant === undefined ? {} : { tenant: input.tenant }),
      metadata: input.metadata ?? {},
      redirectUri,
      ...(connectionId === undefined ? {} : { connectionId }),
      expiresAt,
    };
    await deps.store.insertPendingAuthorization(pending);
    const url = await authorizationUrl(provider, {
      state,
      codeVerifier,
      redirectUri,
      scopes: input.scopes ?? provider.scopes,
    });
    return { url: url.href, state, expiresAt };
  }

  async function sealAndInsert(
    base: Omit<StoredConnection, "credentials" | "version" | "createdAt" | "updatedAt">,
    credentials: ConnectionCredentials,
  ): Promise<Connection> {
    const at = nowIso();
    const stored: StoredConnection = {
      ...base,
      credentials: await getBox().seal(credentials, base.id),
      createdAt: at,
      updatedAt: at,
      version: 1,
    };
    await deps.store.insertConnection(stored);
    events.emit({
      type: "connection.created",
      connectionId: stored.id,
      customerId: stored.customerId,
      status: stored.status,
      at,
    });
    return publicConnection(stored);
  }

  const service: ConnectionService = {
    async create(raw) {
      const input = parseInput(CreateConnectionInput, raw, "connection");
      await requireRef(input.connectorRefId);
      const base = {
        id: input.id ?? newId("conn"),
        connectorRefId: input.connectorRefId,
        customerId: input.customerId,
        ...(input.tenant === undefined ? {} : { tenant: input.tenant }),
        metadata: input.metadata ?? {},
        authType: input.type,
        scopes: [] as string[],
        status: "ACTIVE" as const,
      };
      switch (input.type) {
        case "apiKey":
          return sealAndInsert(base, { apiKey: input.apiKey });
        case "bearer":
          return sealAndInsert(base, { accessToken: input.token });
        case "basic":
          return sealAndInsert(base, { username: input.username, password: input.password });
        case "clientCredentials": {
          const provider = requireProvider(input.provider);
          const created = await sealAndInsert(
            { ...base, provider: input.provider, scopes: input.scopes ?? provider.scopes },
            {
              ...(input.clientId === undefined ? {} : { clientId: input.clientId }),
              ...(input.clientSecret === undefined ? {} : { clientSecret: input.clientSecret }),
            },
          );
          // The first token now: bad client credentials fail here, not on the first run.
          try {
            const { stored } = await getRefresher().renew(created.id, { force: true });
            return publicConnection(stored);
          } catch (error) {
            if (error instanceof SynapseError && error.code === "CONNECTION_BROKEN") {
              return publicConnection(await load(created.id));
            }
            throw error;
          }
        }
      }
    },

    connectUrl: (input) =>
      startAuthorization(parseInput(ConnectUrlSchema, input, "connectUrl") as ConnectUrlInput),

    async completeAuthorization(callbackUrl) {
      const url = typeof callbackUrl === "string" ? new URL(callbackUrl) : callbackUrl;
      const state = url.searchParams.get("state");
      const pending =
        state === null ? undefined : await deps.store.takePendingAuthorization(state, deps.clock());
      if (pending === undefined) {
        throw new OAuthError("OAuth callback: unknown, used or expired state (start the connection again)", {
          path: "/state",
        });
      }
      const provider = requireProvider(pending.provider);
      const codeVerifier = (await getBox().open(pending.codeVerifier)).accessToken ?? "";
      const tokens = await redeemAuthorizationCode(provider, url, {
        state: pending.state,
        codeVerifier,
        redirectUri: pending.redirectUri,
      });
      const credentials: ConnectionCredentials = {
        accessToken: tokens.accessToken,
        ...(tokens.refreshToken === undefined ? {} : { refreshToken: tokens.refreshToken }),
        ...(tokens.expiresAt === undefined ? {} : { expiresAt: tokens.expiresAt }),
        obtainedAt: tokens.obtainedAt,
      };
      const kept: Record<string, string> = {};
      for (const name of provider.tokenResponseMetadata) {
        const value = tokens.fields[name];
        if (value !== undefined) kept[name] = value;
      }
      const fields = {
        status: "ACTIVE" as const,
        scopes: tokens.scopes ?? [],
        lastRefreshAt: nowIso(),
        ...(tokens.expiresAt === undefined
          ? {}
          : { accessTokenExpiresAt: new Date(tokens.expiresAt).toISOString() }),
      };
      if (pending.connectionId !== undefined) {
        const sealed = await getBox().seal(credentials, pending.connectionId);
        const renewed = await getRefresher().mutate(pending.connectionId, (current) => {
          const { lastError: _lastError, ...rest } = current;
          return { ...rest, ...fields, metadata: { ...rest.metadata, ...kept }, credentials: sealed };
        });
        events.emit({
          type: "connection.reconnected",
          connectionId: renewed.id,
          customerId: renewed.customerId,
          status: "ACTIVE",
          at: renewed.updatedAt,
        });
        return publicConnection(renewed);
      }
      return sealAndInsert(
        {
          id: newId("conn"),
          connectorRefId: pending.connectorRefId,
          customerId: pending.customerId,
          ...(pending.tenant === undefined ? {} : { tenant: pending.tenant }),
          metadata: { ...pending.metadata, ...kept },
          authType: "oauth2",
          provider: pending.provider,
          ...fields,
        },
        credentials,
      );
    },

    async get(id) {
      const stored = await deps.store.getConnection(id);
      return stored === undefined ? undefined : publicConnection(stored);
    },

    async list(filter) {
      const page = await deps.store.listConnections(filter);
      return { ...page, items: page.items.map(publicConnection) };
    },

    resolve: (id, resolveOptions) => getRefresher().resolve(id, resolveOptions),

    async test(id) {
      try {
        const resolved = await getRefresher().resolve(id);
        await deps.testConnector?.(resolved.connection.connectorRefId, resolved);
        const connection = await load(id);
        return { ok: true, connectionId: id, status: connection.status };
      } catch (error) {
        const failure =
          error instanceof SynapseError ? error : new SynapseError("CONNECTOR_FAILED", String(error));
        if (failure instanceof NotFoundError && failure.entity === "connection") throw failure;
        const connection = await load(id);
        return { ok: false, connectionId: id, status: connection.status, error: failure.toJSON() };
      }
    },

    async reconnect(id, input = {}) {
      const stored = await load(id);
      if (stored.authType === "oauth2") {
        const start = input as Partial<ConnectUrlInput>;
        return startAuthorization(
          {
            provider: stored.provider ?? "",
            connectorRefId: stored.connectorRefId,
            customerId: stored.customerId,
            ...(stored.tenant === undefined ? {} : { tenant: stored.tenant }),
            metadata: stored.metadata,
            scopes: start.scopes ?? stored.scopes,
            ...(start.redirectUri === undefined ? {} : { redirectUri: start.redirectUri }),
          },
          id,
        );
      }
      const given = input as Record<string, string | undefined>;
      const credentials: ConnectionCredentials =
        stored.authType === "apiKey"
          ? { apiKey: given.apiKey ?? "" }
          : stored.authType === "bearer"
            ? { accessToken: given.token ?? "" }
            : stored.authType === "basic"
              ? { username: given.username ?? "", password: given.password ?? "" }
              : {
                  ...(given.clientId === undefined ? {} : { clientId: given.clientId }),
                  ...(given.clientSecret === undefined ? {} : { clientSecret: given.clientSecret }),
                };
      if (Object.values(credentials).some((value) => value === "")) {
        throw new ValidationError(`reconnect of a ${stored.authType} connection needs its new credentials`, {
          path: "/",
        });
      }
      const sealed = await getBox().seal(credentials, id);
      const renewed = await getRefresher().mutate(id, (current) => {
        const { lastError: _lastError, ...rest } = current;
        return { ...rest, status: "ACTIVE", credentials: sealed };
      });
      if (stored.authType === "clientCredentials") await getRefresher().renew(id, { force: true });
      events.emit({
        type: "connection.reconnected",
        connectionId: id,
        customerId: renewed.customerId,
        status: "ACTIVE",
        at: nowIso(),
      });
      return publicConnection(await load(id));
    },

    async revoke(id) {
      const stored = await load(id);
      if (stored.authType === "oauth2" && stored.status !== "REVOKED") {
        const credentials = await getBox().open(stored.credentials, id);
        const provider = getRefresher().provider(stored);
        // RFC 7009 §2: revoking the refresh token revokes the grant's access tokens on most servers.
        for (const token of [credentials.refreshToken, credentials.accessToken]) {
          if (token === undefined) continue;
          await revokeToken(provider, token).catch((error: unknown) => {
            logger.warn(
              { connectionId: id, err: error instanceof Error ? error.message : String(error) },
              "token revocation at the provider failed",
            );
          });
        }
      }
      const sealed = await getBox().seal({}, id);
      const revoked = await getRefresher().mutate(id, (current) => ({
        ...current,
        status: "REVOKED",
        credentials: sealed,
      }));
      events.emit({
        type: "connection.revoked",
        connectionId: id,
        customerId: revoked.customerId,
        status: "REVOKED",
        at: revoked.updatedAt,
      });
      return publicConnection(revoked);
    },

    async delete(id) {
      const stored = await load(id);
      await deps.store.deleteConnection(id);
      deps.secrets.dropSecrets(connectionSecretSlot(id));
      events.emit({
        type: "connection.deleted",
        connectionId: id,
        customerId: stored.customerId,
        status: stored.status,
        at: nowIso(),
      });
    },

    async reencrypt() {
      const current = await getBox().currentKeyId();
      let reencrypted = 0;
      let total = 0;
      let cursor: string | undefined;
      do {
        const page = await deps.store.listConnections({
          limit: 200,
          ...(cursor === undefined ? {} : { cursor }),
        });
        for (const listed of page.items) {
          total += 1;
          if (getBox().keyIdOf(listed.credentials) === current) continue;
          // Under the lock, so a refresh in flight elsewhere is not overwritten with old tokens.
          await lock.withLock(listed.id, () =>
            getRefresher().mutate(listed.id, async (fresh) => ({
              ...fresh,
              credentials: await getBox().seal(await getBox().open(fresh.credentials, fresh.id), fresh.id),
            })),
          );
          reencrypted += 1;
        }
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      return { reencrypted, total };
    },

    subscribe: (listener) => events.subscribe(listener),
  };
  return service;
}
