import type { FastifyInstance } from "fastify";
import { roleIn } from "../auth/roles";
import type { LiveEvent } from "../live/live-events";
import type { ServiceContext } from "../service-context";

/** A comment line every so often keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

/**
 * `GET /events`: server-sent events (the WHATWG HTML "text/event-stream" format) of runs created
 * and changed, run log entries and dead letters — of the projects the caller has a role in. The
 * console listens here instead of polling. Each message's `event` is the {@link LiveEvent} type.
 */
export function eventRoutes(app: FastifyInstance, { live, identities }: ServiceContext): void {
  const open = new Set<() => void>();
  // A stream never ends by itself: end them all before the server waits for its connections.
  app.addHook("preClose", async () => {
    for (const close of [...open]) close();
  });
  app.get(
    "/events",
    {
      config: {
        access: { project: "any" },
        // One long request per console tab: not a request a minute.
        rateLimit: false,
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      raw.write(`retry: 2000\n: connected as ${principal.actor}\n\n`);
      const send = (event: LiveEvent): void => {
        // Grants are read again for each event: a revoked token or changed role applies at once.
        const grants = identities.grantsOf(principal.actor);
        if (grants === undefined) close();
        else if (roleIn(grants, event.projectId) !== undefined)
          raw.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      };
      const heartbeat = setInterval(() => {
        if (identities.grantsOf(principal.actor) === undefined) close();
        else raw.write(": heartbeat\n\n");
      }, HEARTBEAT_MS);
      const unsubscribe = live.subscribe(send);
      function close(): void {
        if (!open.delete(close)) return;
        clearInterval(heartbeat);
        unsubscribe();
        raw.end();
      }
      open.add(close);
      request.raw.on("close", close);
    },
  );
}
