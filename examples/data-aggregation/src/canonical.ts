/**
 * The canonical schema every source is mapped into — one row per source record, keyed by
 * (source, source_id) — and the three mappings. Each mapping has a golden sample that validation
 * checks before its blueprint can be approved.
 */
import type { Mapping } from "@synapseops/core";
import type { z } from "zod";

type MappingInput = z.input<typeof Mapping>;

/** The table the example owns (a name no other test or example uses). */
export const CANONICAL_TABLE = "synapseops_example_data_aggregation";

/** The PostgreSQL table of the canonical schema; the upsert matches on its primary key. */
export const CANONICAL_DDL = `CREATE TABLE IF NOT EXISTS ${CANONICAL_TABLE} (
  source text NOT NULL,
  source_id text NOT NULL,
  kind text NOT NULL,
  occurred_at timestamptz NOT NULL,
  actor text,
  title text,
  amount double precision,
  attributes jsonb NOT NULL DEFAULT '{}',
  ingested_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, source_id)
)`;

/** The canonical record, as JSON Schema: every mapping's output is checked against it. */
export const canonicalSchema = {
  type: "object",
  required: ["source", "source_id", "kind", "occurred_at", "attributes"],
  additionalProperties: false,
  properties: {
    source: { enum: ["github", "events", "market"] },
    source_id: { type: "string", minLength: 1 },
    kind: { enum: ["issue", "log", "tick"] },
    occurred_at: { type: "string", format: "date-time" },
    actor: { type: "string" },
    title: { type: "string" },
    amount: { type: "number" },
    attributes: { type: "object" },
  },
} as const;

/** A GitHub issue: the comment count is its amount, its last update its time. */
export const issueToCanonical: MappingInput = {
  id: "issue",
  rules: [
    { target: "source", const: "github" },
    { target: "source_id", from: "id", transforms: ["to_string"] },
    { target: "kind", const: "issue" },
    { target: "occurred_at", from: "updated_at" },
    { target: "actor", from: "user.login" },
    { target: "title", from: "title" },
    { target: "amount", from: "comments" },
    { target: "attributes.number", from: "number" },
    { target: "attributes.state", from: "state" },
    { target: "attributes.labels", from: "labels[].name" },
  ],
  outputSchema: canonicalSchema,
  samples: [
    {
      input: {
        id: 2000000000,
        number: 1,
        title: "Widget issue #1",
        state: "closed",
        user: { login: "octocat" },
        labels: [{ name: "bug" }],
        comments: 3,
        updated_at: "2026-01-05T09:00:00.000Z",
      },
      output: {
        source: "github",
        source_id: "2000000000",
        kind: "issue",
        occurred_at: "2026-01-05T09:00:00.000Z",
        actor: "octocat",
        title: "Widget issue #1",
        amount: 3,
        attributes: { number: 1, state: "closed", labels: ["bug"] },
      },
    },
  ],
};

/** An application log event: the service is the actor, the duration the amount. */
export const eventToCanonical: MappingInput = {
  id: "event",
  rules: [
    { target: "source", const: "events" },
    { target: "source_id", from: "id" },
    { target: "kind", const: "log" },
    { target: "occurred_at", from: "ts" },
    { target: "actor", from: "service" },
    { target: "title", from: "message" },
    { target: "amount", from: "durationMs" },
    { target: "attributes.level", from: "level" },
  ],
  outputSchema: canonicalSchema,
  samples: [
    {
      input: {
        id: "evt-00001",
        ts: "2026-01-05T12:00:01.000Z",
        level: "warn",
        service: "search",
        message: "cache miss",
        durationMs: 41,
      },
      output: {
        source: "events",
        source_id: "evt-00001",
        kind: "log",
        occurred_at: "2026-01-05T12:00:01.000Z",
        actor: "search",
        title: "cache miss",
        amount: 41,
        attributes: { level: "warn" },
      },
    },
  ],
};

/** A trade tick: the symbol is the title, the price the amount. */
export const tickToCanonical: MappingInput = {
  id: "tick",
  rules: [
    { target: "source", const: "market" },
    { target: "source_id", expr: 'symbol & "-" & $string(seq)' },
    { target: "kind", const: "tick" },
    { target: "occurred_at", from: "ts" },
    { target: "title", from: "symbol" },
    { target: "amount", from: "price" },
    { target: "attributes.size", from: "size" },
    { target: "attributes.seq", from: "seq" },
  ],
  outputSchema: canonicalSchema,
  samples: [
    {
      input: { seq: 7, symbol: "GLBX", price: 125.31, size: 200, ts: "2026-01-05T14:30:01.750Z" },
      output: {
        source: "market",
        source_id: "GLBX-7",
        kind: "tick",
        occurred_at: "2026-01-05T14:30:01.750Z",
        title: "GLBX",
        amount: 125.31,
        attributes: { size: 200, seq: 7 },
      },
    },
  ],
};
