import type { Runtime } from "@synapseops/core";
import type { AlertRules } from "./alerts/alert-rules";
import type { Identities } from "./auth/identities";
import type { LiveEvents } from "./live/live-events";
import type { QueueMonitor } from "./queue/queue-monitor";
import type { SandboxTarget } from "./sandbox-target";
import type { ServiceState } from "./state/service-state";

/** What route modules get: the runtime they expose and the sandbox target. */
export interface ServiceContext {
  runtime: Runtime;
  sandbox: SandboxTarget;
  /** The engines in use ("memory", "postgres+bullmq"), reported by /health. */
  engines: string;
  /** Users, sessions and API tokens; the runtime's `authorize` reads their grants. */
  identities: Identities;
  /** Runs, run log entries and dead letters as this process writes them (`GET /events`). */
  live: LiveEvents;
  /** The OAuth providers connections can use (`connections.providers`), the first by default. */
  oauthProviders?: readonly string[];
  /** Alert rules, kept in the service state; a fresh in-memory set when absent. */
  alertRules?: AlertRules;
  /** Where users, tokens and alert rules are kept (closed with the app). */
  state?: ServiceState;
  /** The run queue's counts and workers (`GET /queue`); inline when absent. */
  queueMonitor?: QueueMonitor;
}
