import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A request a local server saw. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
}

/** A real local HTTP server on its own port (its own origin) that records what it receives. */
export interface LocalOrigin {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** Starts a node:http server on 127.0.0.1 with a random port; `handle` answers, every request is recorded. */
export async function startOrigin(
  handle: (request: IncomingMessage, response: ServerResponse, body: string) => void,
): Promise<LocalOrigin> {
  const seen: SeenRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      seen.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers });
      handle(request, response, Buffer.concat(chunks).toString("utf8"));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The requests among `seen` that carry any of the secrets anywhere (headers or URL). */
export function withSecrets(seen: readonly SeenRequest[], secrets: readonly string[]): SeenRequest[] {
  return seen.filter((request) => {
    const text = `${request.url} ${JSON.stringify(request.headers)}`;
    return secrets.some(
      (secret) => text.includes(secret) || text.includes(Buffer.from(secret).toString("base64")),
    );
  });
}
