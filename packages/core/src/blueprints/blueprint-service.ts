import { auditEntry } from "../audit";
import { type AuthorizeAction, allowAll, assertAuthorized } from "../authorize";
import { cloneJson } from "../clone-json";
import { BlueprintInvalidError, ConflictError, NotFoundError, ValidationError } from "../errors";
import { newId } from "../ids";
import { checkStoreInt } from "../input-guard";
import { contentHash } from "../json";
import { diffJson, type JsonPatchOperation } from "../json-patch";
import { applyMergePatch } from "../merge-patch";
import type { AuditAction } from "../model/audit";
import {
  type Blueprint,
  BlueprintBody,
  type BlueprintBodyInput,
  type BlueprintRevision,
} from "../model/blueprint";
import { Name } from "../model/common";
import { parseInput } from "../parse-input";
import type { ServiceDeps } from "../service-deps";
import type { BlueprintFilter, Page, PageRequest } from "../store/types";
import { type GenerateBlueprintInput, type GeneratedBlueprint, generateBlueprintBody } from "./generate";
import { assertBlueprintAction } from "./lifecycle";
import { validateBlueprintBody } from "./validate";
import { reportOf, type ValidationReport } from "./validation-report";

/** Who performs an operation, for the audit log. */
export interface ActorOptions {
  /** @default the runtime's `actor` ("system") */
  actor?: string;
}

/** What {@link BlueprintService.create} takes. */
export interface CreateBlueprintInput {
  name: string;
  body: BlueprintBodyInput;
  /** A note stored with the first revision. */
  message?: string;
}

/**
 * An edit: a JSON Merge Patch (RFC 7386) of the body, or a function from the current body to the
 * next. `expectedRevision` makes the edit fail with ConflictError if someone edited since.
 */
export interface EditBlueprintInput {
  patch?: unknown;
  update?: (body: BlueprintBody) => BlueprintBodyInput;
  expectedRevision?: number;
  message?: string;
}

/** The blueprint API of the runtime: lifecycle, revisions, validation and generation. */
export interface BlueprintService {
  /** Creates a DRAFT blueprint with revision 1. */
  create(projectId: string, input: CreateBlueprintInput, options?: ActorOptions): Promise<Blueprint>;
  /** Proposes a DRAFT blueprint from a source and target schema, through the MappingSuggester. */
  generate(
    projectId: string,
    input: GenerateBlueprintInput,
    options?: ActorOptions,
  ): Promise<GeneratedBlueprint>;
  get(id: string): Promise<Blueprint>;
  list(projectId: string, filter?: BlueprintFilter): Promise<Page<Blueprint>>;
  /** The body of the head revision (or of `revision`). */
  body(id: string, revision?: number): Promise<BlueprintBody>;
  /** Writes a new DRAFT revision; an approved revision keeps running until the next approval. */
  edit(id: string, input: EditBlueprintInput, options?: ActorOptions): Promise<Blueprint>;
  /** Validates the head revision (or `revision`); a clean head moves DRAFT → VALIDATED. */
  validate(id: string, options?: ActorOptions & { revision?: number }): Promise<ValidationReport>;
  /** Approves the head revision; refuses with BlueprintInvalidError when validation finds errors. */
  approve(id: string, options?: ActorOptions): Promise<Blueprint>;
  /** Archives the blueprint; it becomes read-only. */
  archive(id: string, options?: ActorOptions): Promise<Blueprint>;
  revisions: {
    list(id: string, page?: PageRequest): Promise<Page<BlueprintRevision>>;
    get(id: string, revision: number): Promise<BlueprintRevision>;
    /** The JSON Patch (RFC 6902) from one revision's body to another's. */
    diff(id: string, from: number, to: number): Promise<JsonPatchOperation[]>;
    /** Writes an old revision's body as a new DRAFT revision. */
    restore(id: string, revision: number, options?: ActorOptions): Promise<Blueprint>;
  };
}

/** Builds the blueprint API over a store. */
export function blueprintService(deps: ServiceDeps): BlueprintService {
  const { store, clock } = deps;
  const log = deps.logger.child({ component: "blueprints" });
  const actorOf = (options?: ActorOptions): string => options?.actor ?? deps.actor;

  /** The host's decision on a design-time write, before anything is read further or written. */
  const authorize = (
    options: ActorOptions | undefined,
    action: AuthorizeAction,
    projectId: string,
    id?: string,
  ) =>
    assertAuthorized(deps.authorize ?? allowAll, actorOf(options), action, {
      type: id === undefined ? "project" : "blueprint",
      projectId,
      ...(id === undefined ? {} : { id }),
    });

  async function load(id: string): Promise<Blueprint> {
    const blueprint = await store.getBlueprint(id);
    if (blueprint === undefined) throw new NotFoundError("blueprint", id);
    return blueprint;
  }

  async function loadRevision(id: string, revision: number, path = "/revision"): Promise<BlueprintRevision> {
    // issue 16: a revision past the `integer` column is the caller's mistake, not a store failure.
    checkStoreInt(revision, "revision", path, 1);
    const found = await store.getRevision(id, revision);
    if (found === undefined) throw new NotFoundError("blueprint revision", `${id}@${revision}`);
    return found;
  }

  async function report(blueprint: Blueprint, revision: BlueprintRevision): Promise<ValidationReport> {
    const issues = await validateBlueprintBody(revision.body, {
      connectorRefs: await store.listConnectorRefs(blueprint.projectId),
      connectors: deps.connectors,
    });
    return reportOf(issues, {
      blueprintId: blueprint.id,
      revision: revision.revision,
      contentHash: revision.contentHash,
    });
  }

  /** Saves a changed head with its audit entry, compare-and-set on the version read. */
  async function save(
    current: Blueprint,
    next: Omit<Blueprint, "version" | "updatedAt">,
    action: AuditAction,
    actor: string,
    extra: { revision?: BlueprintRevision; data?: Record<string, unknown> } = {},
  ): Promise<Blueprint> {
    const now = clock();
    const blueprint: Blueprint = { ...next, version: current.version + 1, updatedAt: now.toISOString() };
    await store.saveBlueprint({
      blueprint,
      expectedVersion: current.version,
      ...(extra.revision ? { revision: extra.revision } : {}),
      audit: auditEntry(
        {
          actor,
          action,
          entityType: "blueprint",
          entityId: blueprint.id,
          projectId: blueprint.projectId,
          beforeHash: current.contentHash,
          afterHash: blueprint.contentHash,
          data: { status: blueprint.status, revision: blueprint.revision, ...extra.data },
        },
        now,
      ),
    });
    log.info(
      { blueprintId: blueprint.id, action, revision: blueprint.revision, status: blueprint.status },
      `blueprint ${action}`,
    );
    return blueprint;
  }

  /** Writes `input` as the next revision of `current`, as an edit or a restore. */
  async function writeRevision(
    current: Blueprint,
    input: unknown,
    action: "edit" | "restore",
    actor: string,
    message: string | undefined,
  ): Promise<Blueprint> {
    const body = parseInput(BlueprintBody, input, "blueprint body");
    const hash = contentHash(body);
    if (hash === current.contentHash) return current;
    const now = clock();
    const revision: BlueprintRevision = {
      blueprintId: current.id,
      revision: current.revision + 1,
      body,
      contentHash: hash,
      author: actor,
      createdAt: now.toISOString(),
      ...(message === undefined ? {} : { message }),
    };
    const { validatedRevision: _stale, ...rest } = current;
    return save(
      current,
      { ...rest, status: "DRAFT", revision: revision.revision, contentHash: hash },
      action,
      actor,
      {
        revision,
      },
    );
  }

  const service: BlueprintService = {
    async create(projectId, input, options) {
      if ((await store.getProject(projectId)) === undefined) throw new NotFoundError("project", projectId);
      await authorize(options, "blueprint.create", projectId);
      const name = parseInput(Name, input.name, "blueprint name", "/name");
      const body = parseInput(BlueprintBody, input.body, "blueprint body", "/body");
      const now = clock().toISOString();
      const hash = contentHash(body);
      const actor = actorOf(options);
      const blueprint: Blueprint = {
        id: newId("bp"),
        projectId,
        name,
        status: "DRAFT",
        revision: 1,
        contentHash: hash,
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      const revision: BlueprintRevision = {
        blueprintId: blueprint.id,
        revision: 1,
        body,
        contentHash: hash,
        author: actor,
        createdAt: now,
        ...(input.message === undefined ? {} : { message: input.message }),
      };
      await store.insertBlueprint(
        blueprint,
        revision,
        auditEntry(
          {
            actor,
            action: "create",
            entityType: "blueprint",
            entityId: blueprint.id,
            projectId,
            afterHash: hash,
            data: { revision: 1 },
          },
          clock(),
        ),
      );
      log.info({ blueprintId: blueprint.id, projectId }, "blueprint created");
      return blueprint;
    },

    async generate(projectId, input, options) {
      if ((await store.getProject(projectId)) === undefined) throw new NotFoundError("project", projectId);
      await authorize(options, "blueprint.create", projectId);
      const { name, body, suggestion } = await generateBlueprintBody(input, deps.suggester);
      const blueprint = await service.create(projectId, { name, body, message: "generated" }, options);
      return { ...blueprint, suggestion };
    },

    get: load,

    async list(projectId, filter) {
      if ((await store.getProject(projectId)) === undefined) throw new NotFoundError("project", projectId);
      return store.listBlueprints(projectId, filter);
    },

    async body(id, revision) {
      const blueprint = await load(id);
      return (await loadRevision(id, revision ?? blueprint.revision)).body;
    },

    async edit(id, input, options) {
      const current = await load(id);
      await authorize(options, "blueprint.edit", current.projectId, id);
      assertBlueprintAction(current, "edit");
      checkStoreInt(input.expectedRevision, "expectedRevision", "/expectedRevision", 1);
      if (input.expectedRevision !== undefined && input.expectedRevision !== current.revision) {
        throw new ConflictError(
          `blueprint "${id}" is at revision ${current.revision}, not ${input.expectedRevision}: it was edited since you read it`,
          { path: "/expectedRevision" },
        );
      }
      if ((input.patch === undefined) === (input.update === undefined)) {
        throw new ValidationError(
          'an edit gives exactly one of "patch" (a JSON merge patch) and "update" (a function)',
          {
            path: input.patch === undefined ? "" : "/patch",
          },
        );
      }
      const head = await loadRevision(id, current.revision);
      const next =
        input.patch !== undefined
          ? applyMergePatch(head.body, input.patch)
          : input.update?.(cloneJson(head.body));
      return writeRevision(current, next, "edit", actorOf(options), input.message);
    },

    async validate(id, options) {
      const current = await load(id);
      await authorize(options, "blueprint.validate", current.projectId, id);
      assertBlueprintAction(current, "validate");
      const revision = await loadRevision(id, options?.revision ?? current.revision);
      const result = await report(current, revision);
      if (revision.revision !== current.revision) return result;
      const { validatedRevision: _previous, ...rest } = current;
      const status = current.status === "APPROVED" ? "APPROVED" : result.ok ? "VALIDATED" : "DRAFT";
      try {
        await save(
          current,
          { ...rest, status, ...(result.ok ? { validatedRevision: revision.revision } : {}) },
          "validate",
          actorOf(options),
          { data: { ok: result.ok, summary: result.summary } },
        );
      } catch (error) {
        // An edit landed while we validated: the report stands for the revision it names.
        if (!(error instanceof ConflictError)) throw error;
      }
      return result;
    },

    async approve(id, options) {
      const current = await load(id);
      await authorize(options, "blueprint.approve", current.projectId, id);
      assertBlueprintAction(current, "approve");
      if (current.status === "APPROVED" && current.approvedRevision === current.revision) return current;
      const result = await report(current, await loadRevision(id, current.revision));
      if (!result.ok) throw new BlueprintInvalidError(id, result);
      const actor = actorOf(options);
      // DRAFT → VALIDATED → APPROVED: both transitions are audited, in order.
      const validated =
        current.status === "VALIDATED" && current.validatedRevision === current.revision
          ? current
          : await save(
              current,
              { ...current, status: "VALIDATED", validatedRevision: current.revision },
              "validate",
              actor,
              {
                data: { ok: true, summary: result.summary },
              },
            );
      return save(
        validated,
        {
          ...validated,
          status: "APPROVED",
          approvedRevision: validated.revision,
          validatedRevision: validated.revision,
        },
        "approve",
        actor,
      );
    },

    async archive(id, options) {
      const current = await load(id);
      await authorize(options, "blueprint.archive", current.projectId, id);
      assertBlueprintAction(current, "archive");
      return save(current, { ...current, status: "ARCHIVED" }, "archive", actorOf(options));
    },

    revisions: {
      async list(id, page) {
        await load(id);
        return store.listRevisions(id, page);
      },
      async get(id, revision) {
        return loadRevision(id, revision);
      },
      async diff(id, from, to) {
        const [a, b] = await Promise.all([loadRevision(id, from, "/from"), loadRevision(id, to, "/to")]);
        return diffJson(a.body, b.body);
      },
      async restore(id, revision, options) {
        const current = await load(id);
        await authorize(options, "blueprint.edit", current.projectId, id);
        assertBlueprintAction(current, "restore");
        const old = await loadRevision(id, revision);
        return writeRevision(current, old.body, "restore", actorOf(options), `restored revision ${revision}`);
      },
    },
  };
  return service;
}
