import { ValidationError } from "../errors";

/** The ioredis connection options a `redis://` or `rediss://` URL stands for. */
export interface RedisConnectionOptions {
  host: string;
  port: number;
  /** The database index: the URL's path (`redis://host:6379/3` → 3). @default 0 */
  db: number;
  username?: string;
  password?: string;
  /** Present for `rediss://` (TLS). */
  tls?: Record<string, never>;
}

/**
 * Reads a Redis URL (`redis://[user:password@]host[:port][/db]`, `rediss://` for TLS) into the
 * connection options `bullmqQueue` (and ioredis) take — the database index included, which a
 * bare `{ host, port }` silently drops (issue 16).
 *
 * @example
 * ```ts
 * bullmqQueue({ connection: redisConnection(process.env.REDIS_URL!) });
 * ```
 * @throws ValidationError for another scheme, a bad port or a database index that is not a
 *   non-negative integer.
 */
export function redisConnection(url: string): RedisConnectionOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new ValidationError("the Redis URL is not a URL (redis://host:6379/0)", { cause: error });
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new ValidationError(`the Redis URL has scheme "${parsed.protocol}": use redis:// or rediss://`);
  }
  const path = parsed.pathname.replace(/^\//, "");
  if (path !== "" && !/^\d{1,5}$/.test(path)) {
    throw new ValidationError(
      `the Redis URL's path "/${path}" is not a database index (redis://host:6379/3 selects database 3)`,
    );
  }
  const port = Number(parsed.port || 6379);
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, "$1"),
    port,
    db: path === "" ? 0 : Number(path),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === "rediss:" ? { tls: {} } : {}),
  };
}
