import { ValidationError } from "../errors";

/**
 * Plain identifiers only: no quoting tricks, and within PostgreSQL's 63-byte limit, beyond
 * which it silently truncates (two long names could then share one schema).
 */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** The schema name, quoted for SQL. @throws ValidationError when it is not a plain identifier. */
export function quoteSchemaName(schema: string): string {
  if (!IDENTIFIER.test(schema)) {
    throw new ValidationError(
      `postgresStore: schema "${schema}" must be a plain identifier (letters, digits and "_", starting with a letter or "_", at most 63 characters)`,
      { path: "/schema" },
    );
  }
  return `"${schema}"`;
}

/** The store's tables, qualified by the quoted schema: the host's search_path is never relied on. */
export interface Tables {
  schema: string;
  migrations: string;
  projects: string;
  environments: string;
  connectorRefs: string;
  blueprints: string;
  revisions: string;
  audit: string;
  artifacts: string;
  runs: string;
  eventCounters: string;
  events: string;
  idempotency: string;
  deadLetters: string;
  cursors: string;
  runBatches: string;
  testRuns: string;
  traces: string;
  connections: string;
  pendingAuthorizations: string;
  schedules: string;
  scheduleFires: string;
  parkedRecords: string;
}

/** Qualified table names in `schema`. @throws ValidationError for a bad schema name. */
export function tablesIn(schema: string): Tables {
  const q = quoteSchemaName(schema);
  return {
    schema: q,
    migrations: `${q}.synapseops_migrations`,
    projects: `${q}.projects`,
    environments: `${q}.environments`,
    connectorRefs: `${q}.connector_refs`,
    blueprints: `${q}.blueprints`,
    revisions: `${q}.blueprint_revisions`,
    audit: `${q}.audit_log`,
    artifacts: `${q}.artifacts`,
    runs: `${q}.runs`,
    eventCounters: `${q}.run_event_counters`,
    events: `${q}.run_events`,
    idempotency: `${q}.idempotency_records`,
    deadLetters: `${q}.dead_letters`,
    cursors: `${q}.cursors`,
    runBatches: `${q}.run_batches`,
    testRuns: `${q}.test_runs`,
    traces: `${q}.traces`,
    connections: `${q}.connections`,
    pendingAuthorizations: `${q}.pending_authorizations`,
    schedules: `${q}.schedules`,
    scheduleFires: `${q}.schedule_fires`,
    parkedRecords: `${q}.parked_records`,
  };
}
