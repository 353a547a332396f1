import type { ServerResponse } from "node:http";
import { standardWebhooks, TraceBatch } from "../src/index";
import { json, type LocalServer, type ReceivedRequest, startLocalServer } from "./local-server";

/** One delivery the test collector received and verified. */
export interface CollectedBatch {
  /** The raw body, exactly as received (what a leak check must search). */
  raw: string;
  batch: TraceBatch;
  webhookId: string;
  receivedAt: number;
}

/** A collector for tests: verifies each delivery's Standard Webhooks signature and the batch schema. */
export interface TestCollector {
  url: string;
  /** Verified, schema-valid deliveries, in arrival order. */
  batches: CollectedBatch[];
  /** Deliveries refused (bad signature, bad batch) with the reason. */
  refused: string[];
  /** Every delivery attempt, answered or not. */
  attempts: ReceivedRequest[];
  /** Decides the answer to each verified delivery; default: 202. */
  answer: (attempt: number, response: ServerResponse) => "accepted" | "handled";
  close(): Promise<void>;
}

/** Starts a collector on a free port that checks deliveries with our own verifier. */
export async function startTestCollector(secret: string): Promise<TestCollector> {
  const scheme = standardWebhooks({ secret });
  let server: LocalServer | undefined;
  const collector: TestCollector = {
    url: "",
    batches: [],
    refused: [],
    attempts: [],
    answer: () => "accepted",
    close: () => server?.close() ?? Promise.resolve(),
  };
  server = await startLocalServer((request, response) => {
    collector.attempts.push(request);
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(",") : value,
      ]),
    );
    const verdict = scheme.verify({ rawBody: request.body, headers });
    if (!verdict.ok) {
      collector.refused.push(verdict.reason);
      return json(response, 401, { error: verdict.reason });
    }
    const parsed = TraceBatch.safeParse(JSON.parse(request.body));
    if (!parsed.success) {
      collector.refused.push(`schema: ${parsed.error.message}`);
      return json(response, 400, { error: "bad batch" });
    }
    if (collector.answer(collector.attempts.length, response) === "handled") return;
    collector.batches.push({
      raw: request.body,
      batch: parsed.data,
      webhookId: String(request.headers["webhook-id"]),
      receivedAt: Date.now(),
    });
    json(response, 202, { stored: parsed.data.traces.length });
  });
  collector.url = `${server.url}/traces`;
  return collector;
}
