/**
 * A local market-data feed: trade ticks for a few symbols, `GET /v1/ticks?limit&cursor` with a
 * `next_cursor` in the body while more pages remain. The ticks are generated from a seed, so
 * every run of the example sees the same ones; `publish` adds more.
 */
import { type LocalServer, seededRandom, sendJson, startLocalServer } from "./_http-server";

/** One trade tick. */
export interface Tick {
  seq: number;
  symbol: string;
  price: number;
  size: number;
  ts: string;
}

/** The running feed. */
export interface FakeMarketFeed extends LocalServer {
  ticks(): Tick[];
  /** Publishes `count` more ticks. */
  publish(count: number): void;
}

const symbols = ["ACME", "GLBX", "INIT"];

/** Starts the feed with `count` ticks. */
export async function startFakeMarketFeed(count = 120): Promise<FakeMarketFeed> {
  const random = seededRandom(42);
  const ticks: Tick[] = [];
  const prices = new Map(symbols.map((symbol, i) => [symbol, 100 + i * 25]));
  const base = Date.parse("2026-01-05T14:30:00Z");
  const publish = (n: number): void => {
    for (let k = 0; k < n; k += 1) {
      const seq = ticks.length + 1;
      const symbol = symbols[seq % symbols.length]!;
      const price = Math.round(prices.get(symbol)! * (1 + (random() - 0.5) / 100) * 100) / 100;
      prices.set(symbol, price);
      ticks.push({
        seq,
        symbol,
        price,
        size: 1 + Math.floor(random() * 500),
        ts: new Date(base + seq * 250).toISOString(),
      });
    }
  };
  publish(count);
  const server = await startLocalServer((_request, response, url) => {
    if (url.pathname !== "/v1/ticks") return sendJson(response, 404, { error: "not found" });
    const limit = Math.min(500, Number(url.searchParams.get("limit") ?? "50"));
    const after = Number(url.searchParams.get("cursor") ?? "0");
    const page = ticks.filter((tick) => tick.seq > after).slice(0, limit);
    const more = page.length > 0 && page.at(-1)!.seq < ticks.length;
    sendJson(response, 200, { data: page, ...(more ? { next_cursor: String(page.at(-1)!.seq) } : {}) });
  });
  return { ...server, ticks: () => structuredClone(ticks), publish };
}
