/**
 * "TicketDesk", a made-up helpdesk, as a third-party connector: written against the public
 * plugin API only (`@synapseops/connectors`), published as its own package, registered by any
 * host that wants it.
 */
import {
  type Connector,
  type ConnectorContext,
  ConnectorError,
  connectorErrorFromStatus,
  defineConnector,
  isRetryableNetworkError,
} from "@synapseops/connectors";
import { z } from "zod";

/** The config a connector ref of type `ticket-desk` holds; validated at `connectorRefs.put`. */
export const TicketDeskConfig = z.object({
  /** The desk's API root, e.g. `https://acme.ticketdesk.example/api`. */
  url: z.url(),
  /** Tickets per page when reading. */
  pageSize: z.int().min(1).max(100).default(25),
  /** Only tickets in this queue. */
  queue: z.string().min(1).default("support"),
});
/** The parsed config (defaults applied). */
export type TicketDeskConfig = z.output<typeof TicketDeskConfig>;

/** A ticket as the desk's API returns it. */
export interface Ticket {
  id: string;
  subject: string;
  status: "open" | "closed";
}

/**
 * The connector factory. Plain object out, like every SynapseOps connector: `read` pages through
 * tickets with a cursor, `write` creates one (deduped by the record's idempotency key), `test`
 * checks the API key.
 *
 * @example
 * ```ts
 * createRuntime({ connectors: [ticketDesk()] });
 * ```
 */
export function ticketDesk(): Connector<TicketDeskConfig> {
  return defineConnector({
    type: "ticket-desk",
    version: "1.0.0",
    configSchema: TicketDeskConfig,
    secrets: ["apiKey"],
    capabilities: {
      async *read(config, context, { cursor }) {
        let next = typeof cursor === "string" ? cursor : undefined;
        do {
          const query = new URLSearchParams({ queue: config.queue, limit: String(config.pageSize) });
          if (next !== undefined) query.set("after", next);
          const page = (await call(config, context, "GET", `/tickets?${query}`)) as {
            tickets: Ticket[];
            next?: string;
          };
          next = page.next;
          yield next === undefined ? { records: page.tickets } : { records: page.tickets, cursor: next };
        } while (next !== undefined);
      },
      async write(config, record, context) {
        return call(config, context, "POST", "/tickets", { ...(record as object), queue: config.queue });
      },
      async test(config, context) {
        await call(config, context, "GET", "/me");
      },
    },
  });
}

/** One API call: the errors it throws are ConnectorErrors classified for the run executor's retries. */
async function call(
  config: TicketDeskConfig,
  context: ConnectorContext & { idempotencyKey?: string },
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const headers: Record<string, string> = {
    authorization: `Token ${context.secrets.apiKey}`,
    "content-type": "application/json",
  };
  if (context.idempotencyKey !== undefined) headers["idempotency-key"] = context.idempotencyKey;
  let response: Response;
  try {
    response = await fetch(`${config.url}${path}`, {
      method,
      headers,
      signal: context.signal,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new ConnectorError(
      `ticket-desk ${method} ${path}: ${error instanceof Error ? error.message : error}`,
      {
        retryable: isRetryableNetworkError(error),
        cause: error,
      },
    );
  }
  if (!response.ok) {
    throw connectorErrorFromStatus(response.status, `ticket-desk ${method} ${path}: ${response.status}`, {
      retryAfter: response.headers.get("retry-after"),
    });
  }
  return response.json();
}
