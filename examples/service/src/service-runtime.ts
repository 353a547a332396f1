import { memory, slack, teams } from "@synapseops/connectors";
import {
  type AdmissionOptions,
  type ConnectionsOptions,
  type Connector,
  createRuntime,
  type Logger,
  memoryStore,
  type Runtime,
} from "@synapseops/core";
import { type AlertRules, alertRules } from "./alerts/alert-rules";
import { type Identities, identities } from "./auth/identities";
import { ALL_PROJECTS } from "./auth/roles";
import { type LiveEvents, liveEvents } from "./live/live-events";
import { bullmqQueueMonitor, type QueueMonitor } from "./queue/queue-monitor";
import { type SandboxTarget, sandboxTarget } from "./sandbox-target";
import { memoryState, postgresState, type ServiceState } from "./state/service-state";

/** The BullMQ queue runs go through (the runtime's default name, stated so the queue view reads the same). */
const RUN_QUEUE = "synapseops-runs";

/** Where the service keeps its state, from the environment. */
export interface ServiceRuntimeOptions {
  /** PostgreSQL for the store (`postgresStore`); memory when absent. */
  databaseUrl?: string;
  /** Redis for the run queue (`bullmqQueue`); the inline queue when absent. Needs `databaseUrl`. */
  redisUrl?: string;
  /** Schema of the PostgreSQL store, and BullMQ key prefix, so tests can keep apart. @default "synapseops" */
  namespace?: string;
  logger?: Logger;
  /**
   * Admission control of the runtime: runs beyond `maxQueuedJobs` unfinished jobs are answered
   * 429 with `Retry-After` (503 when the store is down). @default the runtime's (10,000 jobs)
   */
  admission?: AdmissionOptions;
  /**
   * The first administrator: an API token with the admin role on every project (a random one
   * unless given: `SYNAPSEOPS_ADMIN_TOKEN`), and a console user `admin` when a password is given.
   */
  bootstrapAdmin?: { token?: string; password?: string };
  /**
   * Per-customer connections: OAuth providers, the key credentials are encrypted with, and the
   * redirect URI — the service's `/oauth/callback` (see docs/connections-and-oauth.md).
   */
  connections?: ConnectionsOptions;
  /**
   * Connector types beyond the service's own (an `http()` target of the host's, a plugin).
   * @default []
   */
  connectors?: readonly Connector[];
}

/** The runtime the service exposes, plus the sandbox target it registers. */
export interface ServiceRuntime {
  runtime: Runtime;
  sandbox: SandboxTarget;
  /** "memory" or "postgres+bullmq" (or "postgres"), for the health answer and the logs. */
  engines: string;
  /** Users, sessions and API tokens (users and tokens kept in `state`). */
  identities: Identities;
  /** Alert rules (kept in `state`). */
  alertRules: AlertRules;
  /** Where users, tokens and alert rules are kept: PostgreSQL with `databaseUrl`, else nowhere. */
  state: ServiceState;
  /** What the store is told about runs and dead letters, as it happens (`GET /events`). */
  live: LiveEvents;
  /** The OAuth providers of `connections`, by name. */
  oauthProviders: readonly string[];
  /** The run queue's counts and workers, when BullMQ carries runs. */
  queueMonitor?: QueueMonitor;
  /** The bootstrap admin's API token, and whether it was generated (then print it once). */
  adminToken: { token: string; generated: boolean };
}

/**
 * Wires the runtime: the memory store and inline queue by default; PostgreSQL and BullMQ when
 * their URLs are given (their packages are loaded only then). Connector types: `memory` (a source),
 * `sandbox` (a target you can make fail), `slack` and `teams` (alert channels).
 */
export async function createServiceRuntime(options: ServiceRuntimeOptions = {}): Promise<ServiceRuntime> {
  const sandbox = sandboxTarget();
  const namespace = options.namespace ?? "synapseops";
  // Users, tokens and alert rules outlive a restart on PostgreSQL (issue 23).
  const state =
    options.databaseUrl === undefined ? memoryState : await postgresState(options.databaseUrl, namespace);
  const ids = identities(Date.now, state);
  await ids.restore();
  const alerts = alertRules(state);
  await alerts.restore();
  const given = options.bootstrapAdmin?.token;
  const { token } = await ids.issueToken({
    name: "bootstrap admin",
    projectId: ALL_PROJECTS,
    role: "admin",
    createdBy: "service",
    ttlMs: 365 * 86_400_000,
    // Issued again at every start: not kept, or each restart would add one.
    ephemeral: true,
    ...(given ? { token: given } : {}),
  });
  if (options.bootstrapAdmin?.password)
    await ids.createUser("admin", options.bootstrapAdmin.password, { [ALL_PROJECTS]: "admin" });
  const live = liveEvents();
  const wiring = {
    identities: ids,
    alertRules: alerts,
    state,
    live,
    oauthProviders: Object.keys(options.connections?.providers ?? {}),
    adminToken: { token, generated: given === undefined },
  };
  // slack and teams: notification channels alert rules send through.
  const connectors = [memory(), sandbox.connector, slack(), teams(), ...(options.connectors ?? [])];
  const logger = {
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.admission ? { admission: options.admission } : {}),
    // The runtime asks the service's role table before every design-time write.
    authorize: ids.authorize,
    // issue 23: the console's per-record waterfall reads these traces (values redacted, capped).
    stepTrace: { maxValueChars: 2_000 },
    ...(options.connections ? { connections: options.connections } : {}),
  };
  if (options.databaseUrl === undefined) {
    if (options.redisUrl !== undefined)
      throw new Error("REDIS_URL needs DATABASE_URL: BullMQ carries durable runs, which need PostgreSQL");
    return {
      runtime: createRuntime({ connectors, store: live.wrap(memoryStore()), ...logger }),
      sandbox,
      engines: "memory",
      ...wiring,
    };
  }
  const { postgresStore } = await import("@synapseops/core/postgres");
  const store = live.wrap(postgresStore({ connectionString: options.databaseUrl }, { schema: namespace }));
  if (options.redisUrl === undefined) {
    return {
      runtime: createRuntime({ connectors, store, ...logger }),
      sandbox,
      engines: "postgres",
      ...wiring,
    };
  }
  const { bullmqQueue, redisConnection } = await import("@synapseops/core/bullmq");
  // The whole URL: credentials, TLS (rediss://) and the database index (redis://host:6379/3).
  const connection = redisConnection(options.redisUrl);
  const queue = bullmqQueue({ connection, name: RUN_QUEUE, prefix: namespace });
  // Parked records' delayed jobs wait in `<name>-parked` (see bullmqQueue).
  const queueMonitor = await bullmqQueueMonitor(connection, namespace, [RUN_QUEUE, `${RUN_QUEUE}-parked`]);
  return {
    runtime: createRuntime({ connectors, store, queue, ...logger }),
    sandbox,
    engines: "postgres+bullmq",
    queueMonitor,
    ...wiring,
  };
}
