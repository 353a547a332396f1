/**
 * Three sources mapped into one canonical table: a GitHub-like REST API (Link-header pages), an
 * application event stream in Redis (or, when Redis is unreachable, the same events in a log
 * file read line by line) and a market-data feed (cursor pages). Rows land in PostgreSQL when it
 * answers, else in the memory connector; the example says which. It prints per-source ingestion
 * latency (p50/p95 from run metrics) and volume (records per source, rows per source).
 */
import { appendFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { createAggregation, type EventSource, type SourceReport, type Target } from "./aggregation";
import { type AppEvent, appEvents } from "./app-events";
import { CANONICAL_DDL, CANONICAL_TABLE } from "./canonical";
import { engineUrls, reachable } from "./engines";
import { startFakeGitHub } from "./fake-github";
import { startFakeMarketFeed } from "./fake-market-feed";

const print = (title: string, lines: string[]): void => {
  process.stdout.write(`\n== ${title}\n${lines.join("\n")}\n`);
};

const github = await startFakeGitHub("ghp_example_token");
const market = await startFakeMarketFeed();
const scratch = await mkdtemp(join(tmpdir(), "synapseops-data-aggregation-"));

// The event source: a Redis stream of its own (removed at the end), else a log file.
const redis = (await reachable(engineUrls.redis, 6379))
  ? new Redis(engineUrls.redis, { maxRetriesPerRequest: 1 })
  : undefined;
const events: EventSource = redis
  ? {
      kind: "redis",
      url: engineUrls.redis,
      stream: `synapseops-example:data-aggregation:${process.pid}-${Date.now()}`,
    }
  : { kind: "file", path: join(scratch, "app-events.log") };
let eventsProduced = 0;
const produce = async (batch: AppEvent[]): Promise<void> => {
  if (events.kind === "redis")
    for (const event of batch) await redis!.xadd(events.stream, "*", "data", JSON.stringify(event));
  else await appendFile(events.path, batch.map((event) => `${JSON.stringify(event)}\n`).join(""));
  eventsProduced += batch.length;
};

// The target: PostgreSQL (the example's own table) when it answers, else the memory connector.
const pool = (await reachable(engineUrls.postgres, 5432))
  ? new pg.Pool({ connectionString: engineUrls.postgres, max: 2 })
  : undefined;
const target: Target = pool
  ? { kind: "postgres", connectionString: engineUrls.postgres }
  : { kind: "memory" };
if (pool) await pool.query(CANONICAL_DDL);

const aggregation = await createAggregation({
  github: { baseUrl: github.url, issuesPath: github.issuesPath, token: "ghp_example_token" },
  market: { baseUrl: market.url },
  events,
  target,
});

/** Rows of the canonical table per source (the memory target counts distinct keys, as the table's primary key would). */
const rowsBySource = async (): Promise<Record<string, number>> => {
  if (pool) {
    const result = await pool.query<{ source: string; rows: number }>(
      `SELECT source, count(*)::int AS rows FROM ${CANONICAL_TABLE} GROUP BY source ORDER BY source`,
    );
    return Object.fromEntries(result.rows.map((row) => [row.source, row.rows]));
  }
  const keys = new Map<string, Set<string>>();
  for (const row of aggregation.memoryRows() as Array<{ source: string; source_id: string }>) {
    keys.set(row.source, (keys.get(row.source) ?? new Set()).add(row.source_id));
  }
  return Object.fromEntries([...keys].map(([source, ids]) => [source, ids.size]));
};
const counts = (values: Record<string, number>): string =>
  `${["github", "events", "market"].map((s) => `${s}=${values[s] ?? 0}`).join(" ")} total=${Object.values(values).reduce((a, b) => a + b, 0)}`;
const printPass = async (title: string, reports: SourceReport[]): Promise<void> => {
  const header = "source   read  written  duplicates  failed  p50 ms  p95 ms  records/s  cursor";
  const lines = reports.map((r) =>
    [
      r.source.padEnd(7),
      String(r.read).padStart(5),
      String(r.written).padStart(8),
      String(r.duplicates).padStart(11),
      String(r.failed).padStart(7),
      r.p50Ms.toFixed(1).padStart(7),
      r.p95Ms.toFixed(1).padStart(7),
      r.recordsPerSecond.toFixed(0).padStart(10),
      `  ${r.cursor === undefined ? "(none: read from the start each poll)" : JSON.stringify(r.cursor)}`,
    ].join(" "),
  );
  print(title, [header, ...lines, `rows by source: ${counts(await rowsBySource())}`]);
};

try {
  await produce(appEvents(1, 80));
  print("sources and target", [
    `github  GitHub-like REST API ${github.url}${github.issuesPath} (Link header pages of 25): ${github.issues().length} issues`,
    events.kind === "redis"
      ? `events  Redis stream "${events.stream}" at ${events.url}: ${eventsProduced} entries`
      : `events  log file ${events.path}, read line by line (Redis unreachable at ${engineUrls.redis}): ${eventsProduced} lines`,
    `market  market-data feed ${market.url}/v1/ticks (cursor pages of 50): ${market.ticks().length} ticks`,
    target.kind === "postgres"
      ? `target  PostgreSQL table ${CANONICAL_TABLE} at ${engineUrls.postgres} (upsert on source, source_id)`
      : `target  memory connector (PostgreSQL unreachable at ${engineUrls.postgres})`,
    `rows before: ${counts(await rowsBySource())}`,
  ]);

  await printPass("pass 1: everything is new", await aggregation.pass());
  await printPass("pass 2: nothing changed", await aggregation.pass());

  market.publish(12);
  await produce(appEvents(81, 5));
  github.comment(3);
  await printPass("pass 3: 12 new ticks, 5 new events, a comment on issue #3", await aggregation.pass());

  print("volume", [
    `source records: ${counts({ github: github.issues().length, events: eventsProduced, market: market.ticks().length })}`,
    `rows by source: ${counts(await rowsBySource())}`,
    `requests served: github ${github.requests()}, market ${market.requests()}`,
  ]);
} finally {
  await aggregation.close();
  await Promise.all([github.close(), market.close()]);
  if (redis && events.kind === "redis") {
    await redis.del(events.stream);
    await redis.quit();
  }
  await pool?.end();
  await rm(scratch, { recursive: true, force: true });
}
