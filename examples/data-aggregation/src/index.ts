/**
 * `@synapseops/example-data-aggregation`: three local sources mapped into one canonical table.
 * @module
 */
export type { Aggregation, AggregationOptions, EventSource, SourceReport, Target } from "./aggregation";
export { createAggregation } from "./aggregation";
export type { AppEvent } from "./app-events";
export { appEvents } from "./app-events";
export {
  CANONICAL_DDL,
  CANONICAL_TABLE,
  canonicalSchema,
  eventToCanonical,
  issueToCanonical,
  tickToCanonical,
} from "./canonical";
export { engineUrls, reachable } from "./engines";
export type { FakeGitHub, Issue } from "./fake-github";
export { startFakeGitHub } from "./fake-github";
export type { FakeMarketFeed, Tick } from "./fake-market-feed";
export { startFakeMarketFeed } from "./fake-market-feed";
export type { LogFileConfig } from "./log-file-connector";
export { logFile } from "./log-file-connector";
