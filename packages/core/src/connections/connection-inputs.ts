import { z } from "zod";
import type { ConnectionBrokenError, SynapseError } from "../errors";
import { ValidationError } from "../errors";
import type { KeyProvider } from "../store/payload-codec";
import type { Connection } from "./connection";
import type { ConnectionLock } from "./connection-lock";
import type { OAuthProviderConfigInput } from "./oauth-provider";

/** What `runtime.connections` takes and gives: options, inputs and results (validated with zod). */

/** The `connections` options of `createRuntime`. */
export interface ConnectionsOptions {
  /**
   * The keys credentials are encrypted with (AES-256-GCM); the same port as payload encryption.
   * @default envKeyProvider() (SYNAPSEOPS_PAYLOAD_KEYS), read when a connection is first used
   */
  keys?: KeyProvider;
  /** OAuth providers by name (`hubspot`, `salesforce`…). */
  providers?: Record<string, OAuthProviderConfigInput>;
  /** The redirect URI of the callback, when a provider names none. */
  redirectUri?: string;
  /** How long a connect URL stays usable. @default 600_000 (10 min) */
  authorizationTtlMs?: number;
  /**
   * Called when a connection breaks (the provider refused its refresh token or client): notify
   * the customer to reconnect. Errors it throws are logged.
   */
  onBroken?: (connection: Connection, error: ConnectionBrokenError) => void | Promise<void>;
  /**
   * What keeps a connection's refresh single-flight across workers.
   * @default the store's lock (PostgreSQL advisory lock; in process for the memory store)
   * @example redisConnectionLock({ client: new Redis(redisConnection(process.env.REDIS_URL!)) })
   */
  lock?: ConnectionLock;
}

const Common = {
  id: z.string().min(1).max(128).optional(),
  connectorRefId: z.string().min(1),
  customerId: z.string().min(1).max(256),
  tenant: z.string().min(1).max(256).optional(),
  metadata: z.record(z.string(), z.string()).optional(),
};

/** What `connections.create` takes: credentials the customer hands over directly. */
export const CreateConnectionInput = z.discriminatedUnion("type", [
  z.object({ ...Common, type: z.literal("apiKey"), apiKey: z.string().min(1) }),
  z.object({ ...Common, type: z.literal("bearer"), token: z.string().min(1) }),
  z.object({ ...Common, type: z.literal("basic"), username: z.string().min(1), password: z.string().min(1) }),
  z.object({
    ...Common,
    type: z.literal("clientCredentials"),
    /** The provider (its token endpoint and quirks). */
    provider: z.string().min(1),
    /** The customer's own client, when not the provider's registration. */
    clientId: z.string().min(1).optional(),
    clientSecret: z.string().min(1).optional(),
    scopes: z.array(z.string().min(1)).optional(),
  }),
]);
/** What `connections.create` takes. */
export type CreateConnectionInput = z.input<typeof CreateConnectionInput>;

/** What `connections.connectUrl` takes: the start of an authorization code flow. */
export interface ConnectUrlInput {
  provider: string;
  connectorRefId: string;
  customerId: string;
  tenant?: string;
  metadata?: Record<string, string>;
  /** @default the provider's `scopes` */
  scopes?: string[];
  /** @default the provider's `redirectUri`, else `connections.redirectUri` */
  redirectUri?: string;
}

export const ConnectUrlSchema = z.object({
  provider: z.string().min(1),
  connectorRefId: z.string().min(1),
  customerId: Common.customerId,
  tenant: Common.tenant,
  metadata: Common.metadata,
  scopes: z.array(z.string().min(1)).optional(),
  redirectUri: z.url().optional(),
});

/** Parses with a schema; the first issue becomes a ValidationError pointing at its field. */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.join("/") ?? "";
  throw new ValidationError(`${what}: ${path || "input"}: ${issue?.message}`, { path: `/${path}` });
}

/** A connect URL to send the customer's browser to. */
export interface ConnectUrl {
  url: string;
  /** The `state` it carries (single use; the callback checks it). */
  state: string;
  expiresAt: string;
}

/** The outcome of `connections.test`. */
export interface ConnectionTestResult {
  ok: boolean;
  connectionId: string;
  status: Connection["status"];
  error?: ReturnType<SynapseError["toJSON"]>;
}

/** New credentials for `connections.reconnect` of a connection that is not OAuth. */
export type ReconnectCredentials =
  | { apiKey: string }
  | { token: string }
  | { username: string; password: string }
  | { clientId?: string; clientSecret?: string };
