/** Which engines answer: the example uses real Redis and PostgreSQL when they do, fallbacks when not. */
import { Socket } from "node:net";

/** The URLs the example tries, overridable by the usual variables. */
export const engineUrls = {
  redis: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
  postgres: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
};

/** Whether something accepts TCP connections at the URL's host and port, within `timeoutMs`. */
export function reachable(url: string, defaultPort: number, timeoutMs = 800): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("error", () => done(false));
    socket.connect(Number(port || defaultPort), hostname.replace(/^\[|\]$/g, ""), () => done(true));
  });
}
