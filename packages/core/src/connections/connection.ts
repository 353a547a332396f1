import { z } from "zod";
import { Id, Timestamp } from "../model/common";

/**
 * Where a connection stands:
 * - `ACTIVE`: its credentials work (as far as anyone knows);
 * - `REFRESHING`: a worker is getting a new access token now (calls wait for it);
 * - `BROKEN`: the authorization server rejected its credentials (`invalid_grant`…): calls fail
 *   fast with `ConnectionBrokenError` until the customer reconnects;
 * - `REVOKED`: revoked on purpose (`connections.revoke`); reconnect to use it again.
 */
export const ConnectionStatus = z.enum(["ACTIVE", "REFRESHING", "BROKEN", "REVOKED"]);
/** Where a connection stands. */
export type ConnectionStatus = z.infer<typeof ConnectionStatus>;

/** How a connection authenticates. */
export const ConnectionAuthType = z.enum(["oauth2", "clientCredentials", "apiKey", "basic", "bearer"]);
/** How a connection authenticates. */
export type ConnectionAuthType = z.infer<typeof ConnectionAuthType>;

/**
 * A connection: one customer's credentials for one connector ref, with what the host needs to
 * know about them. The credentials themselves are never part of it — they stay encrypted in the
 * store and reach a connector call only through `connections.resolve`.
 */
export const Connection = z.object({
  id: Id,
  /** The connector ref the credentials are for. */
  connectorRefId: Id,
  /** The host's id of the customer (or end user) whose account this is. */
  customerId: z.string().min(1).max(256),
  /** The host's tenant, when it has more than one. */
  tenant: z.string().min(1).max(256).optional(),
  authType: ConnectionAuthType,
  /** The OAuth provider's name in the runtime's `connections.providers` (OAuth connections). */
  provider: z.string().min(1).optional(),
  /** Scopes granted (OAuth), as the server reported them. */
  scopes: z.array(z.string()).default([]),
  status: ConnectionStatus,
  /** Free-form host data (labels, the customer's account name at the provider…). */
  metadata: z.record(z.string(), z.string()).default({}),
  /** When the current access token expires, when the server said. */
  accessTokenExpiresAt: Timestamp.optional(),
  lastRefreshAt: Timestamp.optional(),
  /** The last failure of a refresh or test, redacted (code and message). */
  lastError: z.object({ code: z.string(), message: z.string(), at: Timestamp }).optional(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  /** Bumped by every write (compare-and-set). */
  version: z.int().min(1),
});
/** A connection, without its credentials. */
export type Connection = z.infer<typeof Connection>;

/** A connection as stored: the public fields and the credentials' ciphertext. */
export interface StoredConnection extends Connection {
  /** The credentials, encrypted (AES-256-GCM under the runtime's key provider). */
  credentials: string;
}

/**
 * The credentials of a connection, in plaintext: only ever in memory, between the store's
 * ciphertext and a connector call. Which members are set depends on the auth type.
 */
export interface ConnectionCredentials {
  accessToken?: string;
  refreshToken?: string;
  /** Epoch ms when `accessToken` expires (absent: the server did not say). */
  expiresAt?: number;
  /** Epoch ms when `accessToken` was obtained (to size the refresh margin to its lifetime). */
  obtainedAt?: number;
  /** `apiKey` connections. */
  apiKey?: string;
  /** `basic` connections. */
  username?: string;
  password?: string;
  /** `clientCredentials` connections with the customer's own client registration. */
  clientId?: string;
  clientSecret?: string;
}

/**
 * An authorization in flight: what the connect URL started and the callback finishes. Kept in
 * the store (one use, expiring) so the callback may land on any worker.
 */
export interface PendingAuthorization {
  /** The `state` parameter: random, single use. */
  state: string;
  /** The PKCE code verifier, encrypted like credentials. */
  codeVerifier: string;
  provider: string;
  connectorRefId: string;
  customerId: string;
  tenant?: string;
  metadata: Record<string, string>;
  redirectUri: string;
  /** Set by `reconnect`: the callback renews this connection instead of creating one. */
  connectionId?: string;
  expiresAt: string;
}

/** Filters of `connections.list`. */
export interface ConnectionFilter {
  customerId?: string;
  tenant?: string;
  connectorRefId?: string;
  status?: ConnectionStatus;
  /** Items per page. @default 50 */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

/** The public view of a stored connection (drops the ciphertext). */
export function publicConnection(stored: StoredConnection): Connection {
  const { credentials: _credentials, ...connection } = stored;
  return connection;
}
