import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as a fake API's handler sees it. */
export interface JsonRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** What a handler answers. */
export interface JsonResponse {
  status: number;
  body?: unknown;
}

/** A running local server. */
export interface JsonServer {
  url: string;
  close(): Promise<void>;
}

/** Starts a JSON API on 127.0.0.1 (a free port) that answers with `handle`. */
export async function startJsonServer(handle: (request: JsonRequest) => JsonResponse): Promise<JsonServer> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      let answer: JsonResponse;
      try {
        const text = Buffer.concat(chunks).toString();
        answer = handle({
          method: request.method ?? "GET",
          url: new URL(request.url ?? "/", "http://localhost"),
          headers: request.headers,
          body: text === "" ? undefined : JSON.parse(text),
        });
      } catch (error) {
        answer = { status: 400, body: { message: error instanceof Error ? error.message : String(error) } };
      }
      response.writeHead(answer.status, { "content-type": "application/json" });
      response.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Timestamps that strictly increase, so "modified since" never loses a write sharing a millisecond. */
export function monotonicClock(): () => string {
  let last = 0;
  return () => {
    last = Math.max(Date.now(), last + 1);
    return new Date(last).toISOString();
  };
}

/** The user a bearer token belongs to, or undefined. */
export function userOf(
  headers: IncomingHttpHeaders,
  tokens: Readonly<Record<string, string>>,
): string | undefined {
  const match = /^Bearer (.+)$/.exec(headers.authorization ?? "");
  return match ? tokens[match[1]!] : undefined;
}
