import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A sales order as the ERP stored it. */
export interface ErpSalesOrder {
  id: string;
  /** The OAuth2 client whose token created it. */
  createdBy: string;
  /** The Idempotency-Key header of the request that created it. */
  idempotencyKey: string | undefined;
  order: Record<string, unknown>;
}

/** A local stand-in for an ERP's REST API: an OAuth2 token endpoint and a sales-order API. */
export interface LocalErp {
  url: string;
  tokenUrl: string;
  salesOrders: ErpSalesOrder[];
  /** What the server counted: token grants, API calls, calls refused for a missing or bad token. */
  counters(): { tokenRequests: number; apiRequests: number; unauthorized: number; salesOrders: number };
  close(): Promise<void>;
}

/**
 * Starts the ERP on a free port. `POST /oauth/token` grants client credentials (RFC 6749 §4.4,
 * client authenticated with HTTP Basic) and issues bearer tokens; every `/api/*` call must carry
 * one of them. `POST /api/sales-orders` honours `Idempotency-Key`: a key seen before gets the
 * first answer again and creates nothing.
 */
export async function startLocalErp(client: { id: string; secret: string }): Promise<LocalErp> {
  const tokens = new Map<string, string>(); // token → client id
  const byKey = new Map<string, ErpSalesOrder>();
  const salesOrders: ErpSalesOrder[] = [];
  const count = { tokenRequests: 0, apiRequests: 0, unauthorized: 0 };

  const send = (response: ServerResponse, status: number, body: unknown, headers = {}): void => {
    response.writeHead(status, { "content-type": "application/json", ...headers });
    response.end(JSON.stringify(body));
  };

  const token = (request: IncomingMessage, body: string, response: ServerResponse) => {
    count.tokenRequests += 1;
    const form = new URLSearchParams(body);
    const [scheme, encoded] = (request.headers.authorization ?? "").split(" ");
    const [id, secret] = Buffer.from(encoded ?? "", "base64")
      .toString("utf8")
      .split(":")
      .map(decodeURIComponent);
    if (scheme !== "Basic" || id !== client.id || secret !== client.secret) {
      return send(response, 401, { error: "invalid_client" }, { "www-authenticate": 'Basic realm="erp"' });
    }
    if (form.get("grant_type") !== "client_credentials") {
      return send(response, 400, { error: "unsupported_grant_type" });
    }
    const accessToken = `erp_at_${randomBytes(12).toString("hex")}`;
    tokens.set(accessToken, id);
    send(response, 200, {
      access_token: accessToken,
      token_type: "Bearer",
      expires_in: 3600,
      scope: form.get("scope") ?? "",
    });
  };

  const api = (request: IncomingMessage, body: string, response: ServerResponse) => {
    count.apiRequests += 1;
    const [scheme, presented] = (request.headers.authorization ?? "").split(" ");
    const clientId = scheme === "Bearer" && presented !== undefined ? tokens.get(presented) : undefined;
    if (clientId === undefined) {
      count.unauthorized += 1;
      return send(
        response,
        401,
        { error: "invalid_token" },
        { "www-authenticate": 'Bearer error="invalid_token"' },
      );
    }
    const path = new URL(request.url ?? "/", "http://erp").pathname;
    if (path === "/api/ping" && request.method === "GET") return send(response, 200, { ok: true });
    if (path === "/api/sales-orders" && request.method === "POST") {
      const key = request.headers["idempotency-key"] as string | undefined;
      const seen = key === undefined ? undefined : byKey.get(key);
      if (seen) return send(response, 200, { id: seen.id, replayed: true });
      const order = JSON.parse(body) as Record<string, unknown>;
      const missing = ["externalId", "email", "currency", "total"].filter((field) => !(field in order));
      if (missing.length > 0) return send(response, 422, { error: "invalid_order", missing });
      const created: ErpSalesOrder = {
        id: `SO-${1001 + salesOrders.length}`,
        createdBy: clientId,
        idempotencyKey: key,
        order,
      };
      salesOrders.push(created);
      if (key !== undefined) byKey.set(key, created);
      return send(response, 201, { id: created.id });
    }
    send(response, 404, { error: "not_found" });
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const path = new URL(request.url ?? "/", "http://erp").pathname;
      if (path === "/oauth/token" && request.method === "POST") return token(request, body, response);
      if (path.startsWith("/api/")) return api(request, body, response);
      send(response, 404, { error: "not_found" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    tokenUrl: `${url}/oauth/token`,
    salesOrders,
    counters: () => ({ ...count, salesOrders: salesOrders.length }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
