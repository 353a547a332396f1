/**
 * The aggregation on a SynapseOps runtime: one blueprint per source (poll with a stored cursor →
 * map into the canonical schema → upsert into one table), all writing to the same target ref.
 */
import { http, memory, memorySecrets } from "@synapseops/connectors";
import { postgres } from "@synapseops/connectors/postgres";
import { redisStreams } from "@synapseops/connectors/redis";
import { type BlueprintBodyInput, createRuntime, type Runtime } from "@synapseops/core";
import { CANONICAL_TABLE, eventToCanonical, issueToCanonical, tickToCanonical } from "./canonical";
import { logFile } from "./log-file-connector";

/** Where the event source is: a Redis stream, or the log file used when Redis is unreachable. */
export type EventSource = { kind: "redis"; url: string; stream: string } | { kind: "file"; path: string };
/** Where rows go: a PostgreSQL table, or the memory connector when PostgreSQL is unreachable. */
export type Target = { kind: "postgres"; connectionString: string } | { kind: "memory" };

/** What {@link createAggregation} takes. */
export interface AggregationOptions {
  github: { baseUrl: string; issuesPath: string; token: string };
  market: { baseUrl: string };
  events: EventSource;
  target: Target;
}

/** What one source's poll did, from its run's counts and metrics. */
export interface SourceReport {
  source: "github" | "events" | "market";
  read: number;
  written: number;
  /** Skipped by their idempotency key: read before, unchanged. */
  duplicates: number;
  failed: number;
  /** Per-record latency percentiles of the run, in milliseconds. */
  p50Ms: number;
  p95Ms: number;
  recordsPerSecond: number;
  cursor: unknown;
}

/** The running aggregation. */
export interface Aggregation {
  runtime: Runtime;
  /** Polls every source once, one after the other. */
  pass(): Promise<SourceReport[]>;
  /** The memory target's records (empty with PostgreSQL). */
  memoryRows(): unknown[];
  close(): Promise<void>;
}

/** Wires the runtime, the refs and the three approved blueprints. */
export async function createAggregation(options: AggregationOptions): Promise<Aggregation> {
  const sink = memory();
  const warehouse = postgres();
  const streams = redisStreams();
  const runtime = createRuntime({
    connectors: [http(), streams, logFile(), warehouse, sink],
    secrets: memorySecrets({ GITHUB_TOKEN: options.github.token }),
    actor: "data-aggregation",
  });
  const project = await runtime.projects.create({ name: "Data aggregation" });
  const ref = (
    name: string,
    type: string,
    config: Record<string, unknown>,
    secrets?: Record<string, string>,
  ) => runtime.connectorRefs.put(project.id, { type, name, config, ...(secrets ? { secrets } : {}) });

  const github = await ref(
    "GitHub issues",
    "http",
    {
      baseUrl: options.github.baseUrl,
      auth: { type: "bearer", secret: "token" },
      read: {
        path: options.github.issuesPath,
        query: { state: "all", per_page: "25" },
        pagination: { type: "link-header" },
      },
    },
    { token: "GITHUB_TOKEN" },
  );
  const events =
    options.events.kind === "redis"
      ? await ref("App events (Redis stream)", "redis-streams", {
          url: options.events.url,
          stream: options.events.stream,
          batchSize: 50,
        })
      : await ref("App events (log file)", "log-file", { path: options.events.path, batchSize: 50 });
  const market = await ref("Market ticks", "http", {
    baseUrl: options.market.baseUrl,
    read: {
      path: "/v1/ticks",
      query: { limit: "50" },
      itemsPath: "data",
      pagination: { type: "cursor", param: "cursor", nextPath: "next_cursor" },
    },
  });
  const target =
    options.target.kind === "postgres"
      ? await ref("Canonical table (PostgreSQL)", "postgres", {
          connectionString: options.target.connectionString,
          table: CANONICAL_TABLE,
          // Upsert on the primary key: a record read again (a re-run, a full re-read) updates its row.
          write: { mode: "upsert", conflictKey: ["source", "source_id"] },
        })
      : await ref("Canonical table (memory)", "memory", { channel: CANONICAL_TABLE });

  const body = (source: string, mapping: typeof issueToCanonical, key: string): BlueprintBodyInput => ({
    trigger: { kind: "poll" },
    source: { connector: source },
    target: { connector: target.id },
    // A record is skipped when this key was completed before with the same content.
    idempotencyKey: key,
    mappings: [mapping],
    steps: [
      { id: "map", kind: "map", mapping: mapping.id },
      { id: "upsert", kind: "send", connector: target.id },
    ],
  });
  const approved = async (name: string, input: BlueprintBodyInput): Promise<string> => {
    const draft = await runtime.blueprints.create(project.id, { name, body: input });
    await runtime.blueprints.approve(draft.id);
    return draft.id;
  };
  const sources = [
    {
      source: "github" as const,
      // An issue's key includes its update time: a changed issue is a new version, upserted over its row.
      blueprintId: await approved(
        "GitHub issues → canonical",
        body(github.id, issueToCanonical, '$string(id) & "@" & updated_at'),
      ),
    },
    {
      source: "events" as const,
      blueprintId: await approved("App events → canonical", body(events.id, eventToCanonical, "id")),
    },
    {
      source: "market" as const,
      blueprintId: await approved(
        "Market ticks → canonical",
        body(market.id, tickToCanonical, 'symbol & "-" & $string(seq)'),
      ),
    },
  ];

  return {
    runtime,
    async pass() {
      const reports: SourceReport[] = [];
      for (const { source, blueprintId } of sources) {
        const started = await runtime.runs.poll(blueprintId, { maxRecords: 10_000 });
        const run = started && (await runtime.runs.wait(started.id, { timeoutMs: 60_000 }));
        reports.push({
          source,
          read: run?.counts.total ?? 0,
          written: run?.counts.completed ?? 0,
          duplicates: run?.counts.duplicates ?? 0,
          failed: (run?.counts.failed ?? 0) + (run?.counts.deadLettered ?? 0),
          p50Ms: run?.metrics?.latencyMs.p50 ?? 0,
          p95Ms: run?.metrics?.latencyMs.p95 ?? 0,
          recordsPerSecond: run?.metrics?.throughputPerSecond ?? 0,
          cursor: await runtime.runs.cursor(blueprintId),
        });
      }
      return reports;
    },
    memoryRows: () => sink.written(CANONICAL_TABLE),
    async close() {
      await runtime.close();
      await Promise.all([warehouse.close(), streams.close()]);
    },
  };
}
