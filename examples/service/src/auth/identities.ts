import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Authorize } from "@synapseops/core";
import { memoryState, type ServiceState } from "../state/service-state";
import { hashPassword, verifyPassword } from "./passwords";
import { type Grants, type Role, roleAllows, roleIn, roleNeeded } from "./roles";

/** Who a request acts as, once authenticated. */
export interface Principal {
  /** What the audit log records: `user:<name>` or `token:<id>`. */
  actor: string;
  kind: "user" | "token";
  /** The user's name, or the token's label. */
  name: string;
  grants: Grants;
  /** The session's id (a hash of the cookie), for cookie-authenticated requests. */
  sessionId?: string;
}

/** An API token as the API shows it: never the token itself, nor its hash. */
export interface TokenInfo {
  id: string;
  name: string;
  /** A project id, or `*` for every project. */
  projectId: string;
  role: Role;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
}

/** A console user as the API shows it: never the password hash. */
export interface UserInfo {
  name: string;
  grants: Grants;
  createdAt: string;
}

/** What {@link Identities.issueToken} takes. */
export interface TokenRequest {
  name: string;
  projectId: string;
  role: Role;
  createdBy: string;
  /** @default 30 days */
  ttlMs?: number;
  /** A token chosen by the operator (the bootstrap admin's, from the environment). */
  token?: string;
  /** Kept in memory only (the bootstrap admin's, issued again at every start). */
  ephemeral?: boolean;
}

/** A user as the service state keeps it (the password only as its scrypt hash). */
interface StoredUser {
  info: UserInfo;
  passwordHash: string;
}
/** A token as the service state keeps it (the token only as its SHA-256 digest). */
interface StoredToken {
  info: TokenInfo;
  digest: string;
}

const DAY = 86_400_000;
/** A browser session lasts a working day. */
export const SESSION_TTL_MS = 8 * 3_600_000;
const TOKEN_PREFIX = "syn_";

/** SHA-256 of a high-entropy secret: tokens and session ids are stored only this way. */
const digest = (secret: string): string => createHash("sha256").update(secret).digest("hex");

/**
 * Users, browser sessions and API tokens of the service, in memory and — users and tokens — in
 * the service state (PostgreSQL when the service runs on it; a host would keep them in its own
 * user store). Tokens and session ids are 256-bit random values stored as SHA-256 digests;
 * passwords are scrypt hashes. Nothing here is ever returned by a route.
 */
export function identities(clock: () => number = Date.now, state: ServiceState = memoryState) {
  const users = new Map<string, StoredUser>();
  const tokens = new Map<string, StoredToken>();
  const tokensByDigest = new Map<string, string>();
  const sessions = new Map<string, { user: string; expiresAt: number }>();
  // Unknown users cost a verification too, so timing does not tell which names exist.
  const decoy = hashPassword(randomBytes(16).toString("hex"));

  const tokenPrincipal = (info: TokenInfo): Principal => ({
    actor: `token:${info.id}`,
    kind: "token",
    name: info.name,
    grants: { [info.projectId]: info.role },
  });

  function grantsOf(actor: string): Grants | undefined {
    if (actor.startsWith("user:")) return users.get(actor.slice(5))?.info.grants;
    if (actor.startsWith("token:")) {
      const token = tokens.get(actor.slice(6));
      return token && Date.parse(token.info.expiresAt) > clock()
        ? tokenPrincipal(token.info).grants
        : undefined;
    }
    return undefined;
  }

  /** The runtime's `authorize`: the actor's role in the resource's project against the table. */
  const authorize: Authorize = (actor, action, resource) =>
    roleAllows(roleIn(grantsOf(actor) ?? {}, resource.projectId), roleNeeded(action));

  return {
    authorize,
    grantsOf,

    /** Reads the users and tokens the service state kept (at start). */
    async restore(): Promise<void> {
      for (const user of (await state.load("user")) as StoredUser[]) users.set(user.info.name, user);
      for (const token of (await state.load("token")) as StoredToken[]) {
        tokens.set(token.info.id, token);
        tokensByDigest.set(token.digest, token.info.id);
      }
    },

    async createUser(name: string, password: string, grants: Grants): Promise<UserInfo> {
      const info: UserInfo = { name, grants: { ...grants }, createdAt: new Date(clock()).toISOString() };
      const user: StoredUser = { info, passwordHash: await hashPassword(password) };
      await state.put("user", name, user);
      users.set(name, user);
      return info;
    },

    listUsers: (): UserInfo[] => [...users.values()].map((u) => u.info),

    /** A new session for a right password: the cookie value (returned once) and the principal. */
    async login(
      name: string,
      password: string,
    ): Promise<{ cookie: string; principal: Principal } | undefined> {
      const user = users.get(name);
      const ok = await verifyPassword(password, user?.passwordHash ?? (await decoy));
      if (!ok || user === undefined) return undefined;
      const cookie = randomBytes(32).toString("base64url");
      sessions.set(digest(cookie), { user: name, expiresAt: clock() + SESSION_TTL_MS });
      return {
        cookie,
        principal: {
          actor: `user:${name}`,
          kind: "user",
          name,
          grants: user.info.grants,
          sessionId: digest(cookie),
        },
      };
    },

    /** The principal of a session cookie, while the session lasts. */
    session(cookie: string): Principal | undefined {
      const id = digest(cookie);
      const session = sessions.get(id);
      if (session === undefined) return undefined;
      const user = users.get(session.user);
      if (session.expiresAt <= clock() || user === undefined) {
        sessions.delete(id);
        return undefined;
      }
      return {
        actor: `user:${user.info.name}`,
        kind: "user",
        name: user.info.name,
        grants: user.info.grants,
        sessionId: id,
      };
    },

    logout(sessionId: string): void {
      sessions.delete(sessionId);
    },

    /** A new API token: the token (shown once) and what the API shows of it afterwards. */
    async issueToken(request: TokenRequest): Promise<{ token: string; info: TokenInfo }> {
      const token = request.token ?? `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
      const now = clock();
      const info: TokenInfo = {
        id: `tok_${randomUUID().replaceAll("-", "")}`,
        name: request.name,
        projectId: request.projectId,
        role: request.role,
        createdBy: request.createdBy,
        createdAt: new Date(now).toISOString(),
        expiresAt: new Date(now + (request.ttlMs ?? 30 * DAY)).toISOString(),
      };
      const stored: StoredToken = { info, digest: digest(token) };
      if (!request.ephemeral) await state.put("token", info.id, stored);
      tokens.set(info.id, stored);
      tokensByDigest.set(stored.digest, info.id);
      return { token, info };
    },

    /** The principal of a bearer token; expired and revoked tokens have none. */
    bearer(token: string): Principal | undefined {
      const id = tokensByDigest.get(digest(token));
      const found = id === undefined ? undefined : tokens.get(id);
      if (found === undefined || Date.parse(found.info.expiresAt) <= clock()) return undefined;
      return tokenPrincipal(found.info);
    },

    listTokens: (): TokenInfo[] => [...tokens.values()].map((t) => t.info),

    getToken: (id: string): TokenInfo | undefined => tokens.get(id)?.info,

    async revokeToken(id: string): Promise<boolean> {
      const found = tokens.get(id);
      if (found === undefined) return false;
      await state.delete("token", id);
      tokens.delete(id);
      tokensByDigest.delete(found.digest);
      return true;
    },
  };
}

/** The service's identities: what {@link identities} returns. */
export type Identities = ReturnType<typeof identities>;
