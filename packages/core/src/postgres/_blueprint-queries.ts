import { ConflictError, NotFoundError } from "../errors";
import type { Artifact } from "../model/artifact";
import type { AuditEntry } from "../model/audit";
import type { Blueprint, BlueprintRevision } from "../model/blueprint";
import type { ConnectorRef } from "../model/connector-ref";
import type { Environment } from "../model/environment";
import type { Project } from "../model/project";
import type { BlueprintStore } from "../store/types";
import { writeAudit as writeAuditEntry } from "./_audit-write";
import { pageBounds, toPage } from "./_paging";
import { type Db, jsonParam, type Queryable, queryDoc, queryDocs, SqlParams, whereClause } from "./_sql";

/** The design-time half of the store: every write shares one transaction with its audit entry. */
export function blueprintQueries(db: Db): BlueprintStore {
  const t = db.tables;

  const writeAudit = (client: Queryable, entry: AuditEntry): Promise<void> =>
    writeAuditEntry(client, t.audit, entry);
  const getOne = <T>(operation: string, sql: string, params: unknown[]): Promise<T | undefined> =>
    queryDoc<T>(db, operation, sql, params);
  const getAll = <T>(operation: string, sql: string, params: unknown[]): Promise<T[]> =>
    queryDocs<T>(db, operation, sql, params);

  return {
    async insertProject(project, entry) {
      await db.transaction("insertProject", async (client) => {
        const inserted = await client.query(
          `INSERT INTO ${t.projects} (id, doc) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
          [project.id, jsonParam(project)],
        );
        if (inserted.rowCount === 0) throw new ConflictError(`project "${project.id}" already exists`);
        await writeAudit(client, entry);
      });
    },
    async updateProject(project, entry) {
      await db.transaction("updateProject", async (client) => {
        const updated = await client.query(`UPDATE ${t.projects} SET doc = $2 WHERE id = $1`, [
          project.id,
          jsonParam(project),
        ]);
        if (updated.rowCount === 0) throw new NotFoundError("project", project.id);
        await writeAudit(client, entry);
      });
    },
    async getProject(id) {
      return getOne<Project>("getProject", `SELECT doc::text AS doc FROM ${t.projects} WHERE id = $1`, [id]);
    },
    async listProjects(page) {
      const { limit, after } = pageBounds(page, "string");
      const items = await getAll<Project>(
        "listProjects",
        `SELECT doc::text AS doc FROM ${t.projects} WHERE ($1::text IS NULL OR id > $1) ORDER BY id LIMIT $2`,
        [after ?? null, limit + 1],
      );
      return toPage(items, limit, (p) => p.id);
    },

    async putEnvironment(environment, entry) {
      await db.transaction("putEnvironment", async (client) => {
        await client.query(
          `INSERT INTO ${t.environments} (project_id, name, doc) VALUES ($1, $2, $3)
           ON CONFLICT (project_id, name) DO UPDATE SET doc = EXCLUDED.doc`,
          [environment.projectId, environment.name, jsonParam(environment)],
        );
        await writeAudit(client, entry);
      });
    },
    async getEnvironment(projectId, name) {
      return getOne<Environment>(
        "getEnvironment",
        `SELECT doc::text AS doc FROM ${t.environments} WHERE project_id = $1 AND name = $2`,
        [projectId, name],
      );
    },
    async listEnvironments(projectId) {
      return getAll<Environment>(
        "listEnvironments",
        `SELECT doc::text AS doc FROM ${t.environments} WHERE project_id = $1 ORDER BY name`,
        [projectId],
      );
    },
    async deleteEnvironment(projectId, name, entry) {
      await db.transaction("deleteEnvironment", async (client) => {
        const deleted = await client.query(
          `DELETE FROM ${t.environments} WHERE project_id = $1 AND name = $2`,
          [projectId, name],
        );
        if (deleted.rowCount === 0) throw new NotFoundError("environment", name);
        await writeAudit(client, entry);
      });
    },

    async putConnectorRef(ref, entry) {
      await db.transaction("putConnectorRef", async (client) => {
        await client.query(
          `INSERT INTO ${t.connectorRefs} (id, project_id, doc) VALUES ($1, $2, $3)
           ON CONFLICT (id) DO UPDATE SET project_id = EXCLUDED.project_id, doc = EXCLUDED.doc`,
          [ref.id, ref.projectId, jsonParam(ref)],
        );
        await writeAudit(client, entry);
      });
    },
    async getConnectorRef(id) {
      return getOne<ConnectorRef>(
        "getConnectorRef",
        `SELECT doc::text AS doc FROM ${t.connectorRefs} WHERE id = $1`,
        [id],
      );
    },
    async listConnectorRefs(projectId) {
      return getAll<ConnectorRef>(
        "listConnectorRefs",
        `SELECT doc::text AS doc FROM ${t.connectorRefs} WHERE project_id = $1 ORDER BY id`,
        [projectId],
      );
    },
    async deleteConnectorRef(id, entry) {
      await db.transaction("deleteConnectorRef", async (client) => {
        const deleted = await client.query(`DELETE FROM ${t.connectorRefs} WHERE id = $1`, [id]);
        if (deleted.rowCount === 0) throw new NotFoundError("connector", id);
        await writeAudit(client, entry);
      });
    },

    async insertBlueprint(blueprint, revision, entry) {
      await db.transaction("insertBlueprint", async (client) => {
        const inserted = await client.query(
          `INSERT INTO ${t.blueprints} (id, project_id, status, version, doc) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT DO NOTHING`,
          [blueprint.id, blueprint.projectId, blueprint.status, blueprint.version, jsonParam(blueprint)],
        );
        if (inserted.rowCount === 0) throw new ConflictError(`blueprint "${blueprint.id}" already exists`);
        await insertRevision(client, blueprint.id, revision);
        await writeAudit(client, entry);
      });
    },
    async saveBlueprint({ blueprint, expectedVersion, revision, audit: entry }) {
      await db.transaction("saveBlueprint", async (client) => {
        // Compare-and-set: a concurrent save of the same version waits on the row lock, then
        // finds the version changed and updates nothing.
        const updated = await client.query(
          `UPDATE ${t.blueprints} SET project_id = $2, status = $3, version = $4, doc = $5
           WHERE id = $1 AND version = $6`,
          [
            blueprint.id,
            blueprint.projectId,
            blueprint.status,
            blueprint.version,
            jsonParam(blueprint),
            expectedVersion,
          ],
        );
        if (updated.rowCount === 0) {
          const current = await client.query<{ version: number }>(
            `SELECT version FROM ${t.blueprints} WHERE id = $1`,
            [blueprint.id],
          );
          const row = current.rows[0];
          if (row === undefined) throw new NotFoundError("blueprint", blueprint.id);
          throw new ConflictError(
            `blueprint "${blueprint.id}" changed since it was read (version ${expectedVersion}, now ${row.version})`,
          );
        }
        if (revision !== undefined) await insertRevision(client, blueprint.id, revision);
        await writeAudit(client, entry);
      });
    },
    async getBlueprint(id) {
      return getOne<Blueprint>("getBlueprint", `SELECT doc::text AS doc FROM ${t.blueprints} WHERE id = $1`, [
        id,
      ]);
    },
    async listBlueprints(projectId, filter) {
      const { limit, after } = pageBounds(filter, "string");
      const params = new SqlParams();
      const where = [`project_id = ${params.add(projectId)}`];
      if (filter?.status !== undefined) where.push(`status = ${params.add(filter.status)}`);
      if (after !== undefined) where.push(`id > ${params.add(after)}`);
      const items = await getAll<Blueprint>(
        "listBlueprints",
        `SELECT doc::text AS doc FROM ${t.blueprints} ${whereClause(where)} ORDER BY id LIMIT ${params.add(limit + 1)}`,
        params.values,
      );
      return toPage(items, limit, (bp) => bp.id);
    },
    async getRevision(blueprintId, revision) {
      return getOne<BlueprintRevision>(
        "getRevision",
        `SELECT doc::text AS doc FROM ${t.revisions} WHERE blueprint_id = $1 AND revision = $2`,
        [blueprintId, revision],
      );
    },
    async listRevisions(blueprintId, page) {
      const { limit, after } = pageBounds(page, "number");
      const items = await getAll<BlueprintRevision>(
        "listRevisions",
        `SELECT doc::text AS doc FROM ${t.revisions}
         WHERE blueprint_id = $1 AND ($2::integer IS NULL OR revision > $2) ORDER BY revision LIMIT $3`,
        [blueprintId, after ?? null, limit + 1],
      );
      return toPage(items, limit, (r) => r.revision);
    },

    async listAudit(filter) {
      const { limit, after } = pageBounds(filter, "string");
      const params = new SqlParams();
      const where: string[] = [];
      if (filter?.entityId !== undefined) where.push(`entity_id = ${params.add(filter.entityId)}`);
      if (filter?.projectId !== undefined) where.push(`project_id = ${params.add(filter.projectId)}`);
      if (after !== undefined) where.push(`id > ${params.add(after)}`);
      const items = await getAll<AuditEntry>(
        "listAudit",
        `SELECT doc::text AS doc FROM ${t.audit} ${whereClause(where)} ORDER BY id LIMIT ${params.add(limit + 1)}`,
        params.values,
      );
      return toPage(items, limit, (e) => e.id);
    },

    async insertArtifact(artifact, entry) {
      await db.transaction("insertArtifact", async (client) => {
        const inserted = await client.query(
          `INSERT INTO ${t.artifacts} (id, blueprint_id, doc) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
          [artifact.id, artifact.blueprintId, jsonParam(artifact)],
        );
        if (inserted.rowCount === 0) throw new ConflictError(`artifact "${artifact.id}" already exists`);
        await writeAudit(client, entry);
      });
    },
    async getArtifact(id) {
      return getOne<Artifact>("getArtifact", `SELECT doc::text AS doc FROM ${t.artifacts} WHERE id = $1`, [
        id,
      ]);
    },
    async listArtifacts(blueprintId, page) {
      const { limit, after } = pageBounds(page, "string");
      const items = await getAll<Artifact>(
        "listArtifacts",
        `SELECT doc::text AS doc FROM ${t.artifacts}
         WHERE blueprint_id = $1 AND ($2::text IS NULL OR id > $2) ORDER BY id LIMIT $3`,
        [blueprintId, after ?? null, limit + 1],
      );
      return toPage(items, limit, (a) => a.id);
    },
  };

  async function insertRevision(client: Queryable, blueprintId: string, revision: BlueprintRevision) {
    const inserted = await client.query(
      `INSERT INTO ${t.revisions} (blueprint_id, revision, doc) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [blueprintId, revision.revision, jsonParam(revision)],
    );
    if (inserted.rowCount === 0) {
      throw new ConflictError(`blueprint "${blueprintId}" already has revision ${revision.revision}`);
    }
  }
}
