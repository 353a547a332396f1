import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A local stand-in for the TicketDesk API, so the example and its tests run with nothing to set up. */
export interface FakeTicketDesk {
  url: string;
  /** Tickets created, by idempotency key when one was sent. */
  created: Map<string, unknown>;
  close(): Promise<void>;
}

/** Starts the fake desk with `count` tickets, answering only the given API key. */
export async function startFakeTicketDesk(apiKey: string, count = 60): Promise<FakeTicketDesk> {
  const tickets = Array.from({ length: count }, (_, index) => ({
    id: `T-${String(index + 1).padStart(3, "0")}`,
    subject: `Ticket ${index + 1}`,
    status: index % 3 === 0 ? "closed" : "open",
  }));
  const created = new Map<string, unknown>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const send = (status: number, body: unknown) => {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(body));
      };
      if (request.headers.authorization !== `Token ${apiKey}`) return send(401, { error: "bad api key" });
      const url = new URL(request.url ?? "/", "http://desk");
      if (url.pathname === "/me") return send(200, { account: "acme" });
      if (url.pathname === "/tickets" && request.method === "GET") {
        const after = url.searchParams.get("after");
        const limit = Number(url.searchParams.get("limit") ?? "25");
        const start = after === null ? 0 : tickets.findIndex((ticket) => ticket.id === after) + 1;
        const page = tickets.slice(start, start + limit);
        const last = page.at(-1);
        return send(200, {
          tickets: page,
          ...(start + limit < tickets.length && last ? { next: last.id } : {}),
        });
      }
      if (url.pathname === "/tickets" && request.method === "POST") {
        const key = String(request.headers["idempotency-key"] ?? `anon-${created.size}`);
        if (!created.has(key)) created.set(key, JSON.parse(Buffer.concat(chunks).toString()));
        return send(201, { id: `T-NEW-${[...created.keys()].indexOf(key) + 1}` });
      }
      send(404, { error: "not found" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    created,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
