import { type BlueprintService, blueprintService } from "./blueprints/blueprint-service";
import { type Connector, connectorRegistry } from "./connector";
import { toSynapseError } from "./errors";
import { type Logger, silentLogger } from "./logger";
import type { AuditEntry } from "./model/audit";
import {
  type ConnectorRefService,
  type EnvironmentService,
  type ProjectService,
  projectServices,
} from "./projects/project-service";
import { memoryStore } from "./store/memory-store";
import type { AuditFilter, Page, Store } from "./store/types";
import { type MappingSuggester, nameBasedSuggester } from "./suggester";

/** What {@link createRuntime} takes. Every field has an embedded default. */
export interface RuntimeOptions {
  /**
   * Where the model and execution state live.
   * @default memoryStore()
   */
  store?: Store;
  /**
   * The host's pino logger; the runtime makes child loggers per component.
   * @default a silent logger
   */
  logger?: Logger;
  /**
   * Proposes mappings for `blueprints.generate`.
   * @default nameBasedSuggester()
   */
  suggester?: MappingSuggester;
  /**
   * Connector types the runtime knows; blueprints referring to other types fail validation.
   * @default [] (types are not checked)
   */
  connectors?: readonly Connector[];
  /**
   * The actor recorded in the audit log when an operation names none.
   * @default "system"
   */
  actor?: string;
  /**
   * The clock, for tests.
   * @default () => new Date()
   */
  clock?: () => Date;
}

/** The object a host uses: the model's services over one store. */
export interface Runtime {
  readonly store: Store;
  readonly logger: Logger;
  readonly projects: ProjectService;
  readonly environments: EnvironmentService;
  readonly connectorRefs: ConnectorRefService;
  readonly blueprints: BlueprintService;
  readonly audit: { list(filter?: AuditFilter): Promise<Page<AuditEntry>> };
  /** The connector types registered, by type. */
  readonly connectors: ReadonlyMap<string, Connector>;
  /** Closes the store. */
  close(): Promise<void>;
}

/**
 * Creates a runtime: the entry point of the SDK, wired by the host.
 *
 * @example
 * ```ts
 * const runtime = createRuntime({ logger: pino() });
 * const project = await runtime.projects.create({ name: "Shop → ERP" });
 * ```
 */
export function createRuntime(options: RuntimeOptions = {}): Runtime {
  const store = options.store ?? memoryStore();
  const logger = (options.logger ?? silentLogger()).child({ component: "synapseops" });
  const deps = {
    store,
    logger,
    suggester: options.suggester ?? nameBasedSuggester(),
    connectors: connectorRegistry(options.connectors ?? []),
    actor: options.actor ?? "system",
    clock: options.clock ?? (() => new Date()),
  };
  const { projects, environments, connectorRefs } = projectServices(deps);
  return guardErrors({
    store,
    logger,
    projects,
    environments,
    connectorRefs,
    blueprints: blueprintService(deps),
    audit: { list: (filter) => store.listAudit(filter) },
    connectors: deps.connectors,
    close: () => store.close(),
  });
}

/**
 * Wraps every async method of the runtime's services so whatever escapes (a driver error, a bug)
 * reaches the host as a SynapseError, never a bare Error.
 */
function guardErrors<T extends object>(target: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(target)) {
    if (typeof value === "function") {
      wrapped[key] = async (...args: unknown[]) => {
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>)(...args);
        } catch (error) {
          throw toSynapseError(error);
        }
      };
    } else if (
      value !== null &&
      typeof value === "object" &&
      !(value instanceof Map) &&
      key !== "store" &&
      key !== "logger"
    ) {
      wrapped[key] = guardErrors(value);
    } else {
      wrapped[key] = value;
    }
  }
  return wrapped as T;
}
