import { createHash } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A settlement as the finance system booked it. */
export interface Settlement {
  id: string;
  paymentId: string;
  amount: number;
  currency: string;
  idempotencyKey: string;
  bookedAt: string;
}

/** What the finance system saw for one Idempotency-Key. */
export interface KeyStats {
  /** Requests that carried the key. */
  requests: number;
  /** Answered 503 while the ledger was down. */
  unavailable: number;
  /** Answered with the settlement booked earlier (the key was seen before). */
  replayed: number;
  /** Settlements booked. */
  booked: number;
}

/** A local finance system: a settlement API that honours Idempotency-Key and can be taken down. */
export interface FinanceSystem {
  url: string;
  settlements: Settlement[];
  byKey: Map<string, KeyStats>;
  /** While false, every settlement request is answered 503. */
  setAvailable(available: boolean): void;
  /** Settlements booked for a payment. */
  settlementsOf(paymentId: string): number;
  close(): Promise<void>;
}

/**
 * Starts the finance system on a free port. `POST /v1/settlements` needs the bearer API key and
 * an `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header): the first request with a key
 * books a settlement (201); a later one with the same key and body gets the same settlement back
 * (200, `Idempotent-Replayed: true`) and books nothing; the same key with another body is a 422.
 */
export async function startFinanceSystem(apiKey: string): Promise<FinanceSystem> {
  const settlements: Settlement[] = [];
  const byKey = new Map<string, KeyStats>();
  const answers = new Map<string, { bodyHash: string; settlement: Settlement }>();
  let available = true;

  const send = (response: ServerResponse, status: number, body: unknown, headers = {}) => {
    response.writeHead(status, { "content-type": "application/json", ...headers });
    response.end(JSON.stringify(body));
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      if (request.method !== "POST" || request.url !== "/v1/settlements") {
        return send(response, 404, { error: "not_found" });
      }
      if (request.headers.authorization !== `Bearer ${apiKey}`) {
        return send(response, 401, { error: "unauthorized" });
      }
      const key = request.headers["idempotency-key"];
      if (typeof key !== "string" || key === "") {
        return send(response, 400, { error: "idempotency_key_required" });
      }
      const stats = byKey.get(key) ?? { requests: 0, unavailable: 0, replayed: 0, booked: 0 };
      byKey.set(key, stats);
      stats.requests += 1;
      if (!available) {
        stats.unavailable += 1;
        return send(response, 503, { error: "ledger_unavailable", message: "the ledger is in maintenance" });
      }
      const bodyHash = createHash("sha256").update(text).digest("hex");
      const earlier = answers.get(key);
      if (earlier !== undefined) {
        if (earlier.bodyHash !== bodyHash) {
          return send(response, 422, { error: "idempotency_key_reused", message: "a different body" });
        }
        stats.replayed += 1;
        return send(response, 200, earlier.settlement, { "idempotent-replayed": "true" });
      }
      const body = JSON.parse(text) as { paymentId: string; amount: number; currency: string };
      const settlement: Settlement = {
        id: `stl_${String(settlements.length + 1).padStart(4, "0")}`,
        paymentId: body.paymentId,
        amount: body.amount,
        currency: body.currency,
        idempotencyKey: key,
        bookedAt: new Date().toISOString(),
      };
      settlements.push(settlement);
      answers.set(key, { bodyHash, settlement });
      stats.booked += 1;
      send(response, 201, settlement);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    settlements,
    byKey,
    setAvailable(value) {
      available = value;
    },
    settlementsOf: (paymentId) => settlements.filter((s) => s.paymentId === paymentId).length,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
