import type { z } from "zod";
import { auditEntry } from "../audit";
import type { ActorOptions } from "../blueprints/blueprint-service";
import type { Connector } from "../connector";
import { ErrorCode, NotFoundError, SynapseError, ValidationError } from "../errors";
import { newId } from "../ids";
import { contentHash } from "../json";
import { type ConnectorRef, ConnectorRefInput } from "../model/connector-ref";
import { type Environment, EnvironmentInput } from "../model/environment";
import { type Project, ProjectInput } from "../model/project";
import { parseInput } from "../parse-input";
import {
  hideConfigSecrets,
  parseSecretField,
  restoreConfigSecrets,
  type SecretFieldPath,
} from "../redaction/config-secrets";
import type { ServiceDeps } from "../service-deps";
import type { Page, PageRequest } from "../store/types";

/** Projects, their environments and their connector refs. */
export interface ProjectService {
  create(input: ProjectInput, options?: ActorOptions): Promise<Project>;
  get(id: string): Promise<Project>;
  list(page?: PageRequest): Promise<Page<Project>>;
  /** Changes name or description. */
  update(id: string, changes: Partial<ProjectInput>, options?: ActorOptions): Promise<Project>;
}

/** A project's environments (mock, sandbox, UAT, production…). */
export interface EnvironmentService {
  /** Creates or replaces the environment of that name. */
  put(projectId: string, input: EnvironmentInput, options?: ActorOptions): Promise<Environment>;
  get(projectId: string, name: string): Promise<Environment>;
  /** The project's environments, whole: a handful per project, so not paginated like other lists. */
  list(projectId: string): Promise<Environment[]>;
  remove(projectId: string, name: string, options?: ActorOptions): Promise<void>;
}

/**
 * What `connectorRefs.put` takes when the runtime was given these connectors: for each, its type
 * name with its own config type (the input of its schema, defaults optional). When the list is
 * empty or holds a connector whose type is only known as `string` (a list built at run time), it
 * is the plain {@link ConnectorRefInput} and refs are checked at run time only.
 *
 * @example
 * ```ts
 * const runtime = createRuntime({ connectors: [http(), postgres()] });
 * // ConnectorRefInputFor<[HttpConnector, PostgresConnector]>: { type: "http"; config?: HttpConnectorConfig; … } | { type: "postgres"; config: PostgresConnectorConfig; … }
 * ```
 */
export type ConnectorRefInputFor<Connectors extends readonly Connector[]> = [Connectors[number]] extends [
  never,
]
  ? ConnectorRefInput
  : RefInputOf<Connectors[number]>;

/** One connector's ref input; distributes over a union of connectors. */
type RefInputOf<C extends Connector> = C extends Connector
  ? string extends C["type"]
    ? ConnectorRefInput
    : Flatten<
        { type: C["type"] } & Omit<ConnectorRefInput, "type" | "config"> &
          ConfigField<z.input<C["configSchema"]>>
      >
  : never;

/** One object type instead of an intersection, so editors and errors show its fields. */
type Flatten<T> = { [K in keyof T]: T[K] } & {};

/** `config` is optional when the connector's schema accepts an empty object. */
type ConfigField<Input> = unknown extends Input
  ? { config?: Record<string, unknown> }
  : // biome-ignore lint/complexity/noBannedTypes: `{}` is the empty config, on purpose
    {} extends Input
    ? { config?: Input }
    : { config: Input };

/** What {@link ConnectorRefService.put} takes besides the ref. */
export interface PutConnectorRefOptions extends ActorOptions {
  /**
   * The config comes back as {@link ConnectorRefService.hideSecrets} showed it (a console form
   * saved unchanged): a value equal to what was shown for the stored one keeps the stored value,
   * and a bare `[REDACTED:secret]` with nothing stored behind it is left out.
   * @default false
   */
  keepHiddenSecrets?: boolean;
}

/** A project's configured connector instances. */
export interface ConnectorRefService<Input = ConnectorRefInput> {
  /**
   * Adds a connector ref (or replaces the one with the same id). When the runtime has connectors,
   * the ref's type must be one of them and its config must pass that connector's schema.
   * @throws ValidationError `CONNECTOR_INVALID` with a pointer (`/type`, `/config/…`), also for
   * a hidden-secret marker that stands for nothing stored (with `keepHiddenSecrets`).
   */
  put(projectId: string, input: Input, options?: PutConnectorRefOptions): Promise<ConnectorRef>;
  /** The ref with its config in clear, for the host's own use: answer with {@link hideSecrets}. */
  get(id: string): Promise<ConnectorRef>;
  /** The project's connector refs, whole: a handful per project, so not paginated like other lists. */
  list(projectId: string): Promise<ConnectorRef[]>;
  remove(id: string, options?: ActorOptions): Promise<void>;
  /**
   * The ref as an API or console may show it: `[REDACTED:secret]` for the values of the fields its
   * connector declares secret (`secretFields`) and of credential-named keys, and URLs without
   * their user-info or token parameters.
   * @example
   * ```ts
   * const shown = runtime.connectorRefs.hideSecrets(await runtime.connectorRefs.get(id));
   * ```
   */
  hideSecrets(ref: ConnectorRef): ConnectorRef;
}

/** What the connector-ref API tells the rest of the runtime. */
export interface ConnectorRefEvents {
  /** Ref `id` was put or removed by this process (plans bound from it are stale). */
  refChanged?(id: string): void;
}

/** Builds the project, environment and connector-ref APIs over a store. */
export function projectServices(
  deps: ServiceDeps,
  events: ConnectorRefEvents = {},
): {
  projects: ProjectService;
  environments: EnvironmentService;
  connectorRefs: ConnectorRefService;
} {
  const { store, clock } = deps;
  const actorOf = (options?: ActorOptions): string => options?.actor ?? deps.actor;

  async function loadProject(id: string): Promise<Project> {
    const project = await store.getProject(id);
    if (project === undefined) throw new NotFoundError("project", id);
    return project;
  }

  const projects: ProjectService = {
    async create(input, options) {
      const parsed = parseInput(ProjectInput, input, "project");
      const now = clock();
      const project: Project = {
        id: newId("prj"),
        ...parsed,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      };
      await store.insertProject(
        project,
        auditEntry(
          {
            actor: actorOf(options),
            action: "create",
            entityType: "project",
            entityId: project.id,
            projectId: project.id,
            afterHash: contentHash(project),
          },
          now,
        ),
      );
      return project;
    },
    get: loadProject,
    list: (page) => store.listProjects(page),
    async update(id, changes, options) {
      const current = await loadProject(id);
      const parsed = parseInput(ProjectInput.partial(), changes, "project changes");
      const now = clock();
      const next: Project = { ...current, ...parsed, updatedAt: now.toISOString() };
      await store.updateProject(
        next,
        auditEntry(
          {
            actor: actorOf(options),
            action: "update",
            entityType: "project",
            entityId: id,
            projectId: id,
            beforeHash: contentHash(current),
            afterHash: contentHash(next),
          },
          now,
        ),
      );
      return next;
    },
  };

  const environments: EnvironmentService = {
    async put(projectId, input, options) {
      await loadProject(projectId);
      const parsed = parseInput(EnvironmentInput, input, "environment");
      const existing = await store.getEnvironment(projectId, parsed.name);
      const now = clock().toISOString();
      const environment: Environment = {
        ...parsed,
        projectId,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      await store.putEnvironment(
        environment,
        auditEntry(
          {
            actor: actorOf(options),
            action: existing ? "update" : "create",
            entityType: "environment",
            entityId: `${projectId}/${parsed.name}`,
            projectId,
            ...(existing ? { beforeHash: contentHash(existing) } : {}),
            afterHash: contentHash(environment),
          },
          clock(),
        ),
      );
      return environment;
    },
    async get(projectId, name) {
      const environment = await store.getEnvironment(projectId, name);
      if (environment === undefined) throw new NotFoundError("environment", `${projectId}/${name}`);
      return environment;
    },
    async list(projectId) {
      await loadProject(projectId);
      return store.listEnvironments(projectId);
    },
    async remove(projectId, name, options) {
      const existing = await environments.get(projectId, name);
      await store.deleteEnvironment(
        projectId,
        name,
        auditEntry(
          {
            actor: actorOf(options),
            action: "delete",
            entityType: "environment",
            entityId: `${projectId}/${name}`,
            projectId,
            beforeHash: contentHash(existing),
          },
          clock(),
        ),
      );
    },
  };

  const secretFieldsOf = (type: string): SecretFieldPath[] =>
    (deps.connectors.get(type)?.secretFields ?? []).map((pointer) =>
      parseSecretField(pointer, `connector "${type}"`),
    );

  const connectorRefs: ConnectorRefService = {
    async put(projectId, input, options) {
      await loadProject(projectId);
      const parsed = parseInput(ConnectorRefInput, input, "connector ref");
      const existing = parsed.id === undefined ? undefined : await store.getConnectorRef(parsed.id);
      if (existing !== undefined && existing.projectId !== projectId) {
        throw new ValidationError(`connector "${parsed.id}" belongs to another project`, { path: "/id" });
      }
      if (options?.keepHiddenSecrets) {
        parsed.config = restoreConfigSecrets(parsed.config, existing?.config, secretFieldsOf(parsed.type));
      }
      const connector = deps.connectors.get(parsed.type);
      if (connector === undefined && deps.connectors.size > 0) {
        // issue 18: the types say which connectors there are; a ref typed from a string at run
        // time is held to the same list.
        throw new ValidationError(
          `connector ref type "${parsed.type}" is not registered (registered: ${[...deps.connectors.keys()].join(", ")})`,
          { code: ErrorCode.CONNECTOR_INVALID, path: "/type" },
        );
      }
      if (connector !== undefined) {
        try {
          connector.parseConfig(parsed.config);
        } catch (error) {
          const path = error instanceof SynapseError ? `/config${error.path ?? ""}` : "/config";
          throw new ValidationError(error instanceof Error ? error.message : String(error), {
            code: ErrorCode.CONNECTOR_INVALID,
            path,
            cause: error,
          });
        }
      }
      const id = parsed.id ?? newId("con");
      const now = clock().toISOString();
      const ref: ConnectorRef = {
        ...parsed,
        id,
        projectId,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      await store.putConnectorRef(
        ref,
        auditEntry(
          {
            actor: actorOf(options),
            action: existing ? "update" : "create",
            entityType: "connector",
            entityId: id,
            projectId,
            ...(existing ? { beforeHash: contentHash(existing) } : {}),
            afterHash: contentHash(ref),
          },
          clock(),
        ),
      );
      events.refChanged?.(id);
      return ref;
    },
    async get(id) {
      const ref = await store.getConnectorRef(id);
      if (ref === undefined) throw new NotFoundError("connector", id);
      return ref;
    },
    async list(projectId) {
      await loadProject(projectId);
      return store.listConnectorRefs(projectId);
    },
    hideSecrets(ref) {
      return { ...ref, config: hideConfigSecrets(ref.config, secretFieldsOf(ref.type)) };
    },
    async remove(id, options) {
      const existing = await connectorRefs.get(id);
      await store.deleteConnectorRef(
        id,
        auditEntry(
          {
            actor: actorOf(options),
            action: "delete",
            entityType: "connector",
            entityId: id,
            projectId: existing.projectId,
            beforeHash: contentHash(existing),
          },
          clock(),
        ),
      );
      events.refChanged?.(id);
    },
  };

  return { projects, environments, connectorRefs };
}
