import type { FastifyInstance } from "fastify";
import type { z } from "zod";
import { roleIn } from "../auth/roles";
import { routeProjects } from "../auth/route-projects";
import { addOperation } from "../operation";
import {
  CreateConnectorBody,
  CreateProjectBody,
  GenerateBlueprintBody,
  IdParams,
  PageQuery,
} from "../request-schemas";
import type { ServiceContext } from "../service-context";

type Id = z.infer<typeof IdParams>;
type Paging = z.infer<typeof PageQuery>;

/** Projects, their connector refs and their blueprints (generation included). */
export function projectRoutes(app: FastifyInstance, { runtime }: ServiceContext): void {
  const projectOf = routeProjects(runtime);
  addOperation(
    app,
    "POST",
    "/projects",
    {
      operationId: "createProject",
      summary: "Create a project",
      tags: ["projects"],
      body: CreateProjectBody,
      // A new project is in no project yet: creating one needs a grant on every project.
      access: { action: "project.create", project: projectOf.none },
      responses: { 201: { description: "The project.", schema: "Project" } },
    },
    async (request, reply) => {
      const project = await runtime.projects.create(request.body as z.infer<typeof CreateProjectBody>, {
        actor: request.principal!.actor,
      });
      return reply.status(201).header("location", `/projects/${project.id}`).send(project);
    },
  );

  addOperation(
    app,
    "GET",
    "/projects",
    {
      operationId: "listProjects",
      summary: "List projects, oldest first",
      tags: ["projects"],
      query: PageQuery,
      access: { project: "any" },
      responses: { 200: { description: "A page of projects.", schema: "ProjectPage" } },
    },
    async (request) => {
      // Only the projects the caller has a role in (a page may come out shorter than `limit`).
      const page = await runtime.projects.list(request.query as Paging);
      const grants = request.principal!.grants;
      return { ...page, items: page.items.filter((p) => roleIn(grants, p.id) !== undefined) };
    },
  );

  addOperation(
    app,
    "GET",
    "/projects/:id",
    {
      operationId: "getProject",
      summary: "Get a project",
      tags: ["projects"],
      params: IdParams,
      access: { project: projectOf.project },
      responses: { 200: { description: "The project.", schema: "Project" } },
    },
    async (request) => runtime.projects.get((request.params as Id).id),
  );

  addOperation(
    app,
    "GET",
    "/projects/:id/audit",
    {
      operationId: "listProjectAudit",
      summary: "Who did what in the project, oldest first: the real actor (`user:<name>`, `token:<id>`)",
      tags: ["projects"],
      params: IdParams,
      query: PageQuery,
      access: { project: projectOf.project },
      responses: { 200: { description: "A page of audit entries.", schema: "AuditPage" } },
    },
    async (request) => {
      const { id } = request.params as Id;
      await runtime.projects.get(id);
      return runtime.audit.list({ ...(request.query as Paging), projectId: id });
    },
  );

  addOperation(
    app,
    "POST",
    "/projects/:id/connectors",
    {
      operationId: "addConnector",
      summary:
        "Add a connector ref to a project, or update one by `id` (config checked by the connector's schema; secret config values — fields the connector declares secret, credential-named keys, URL credentials — are write-only: send back what was shown to keep one)",
      tags: ["projects"],
      params: IdParams,
      body: CreateConnectorBody,
      access: { action: "connector.write", project: projectOf.project },
      responses: {
        200: { description: "The updated connector ref, secrets hidden.", schema: "ConnectorRef" },
        201: { description: "The new connector ref, secrets hidden.", schema: "ConnectorRef" },
      },
    },
    async (request, reply) => {
      const { id } = request.params as Id;
      const body = request.body as z.infer<typeof CreateConnectorBody>;
      const stored =
        body.id === undefined ? undefined : await runtime.connectorRefs.get(body.id).catch(() => undefined);
      // Secret config values are write-only: the form comes back with the markers it was shown.
      const ref = await runtime.connectorRefs.put(id, body, {
        actor: request.principal!.actor,
        keepHiddenSecrets: true,
      });
      return reply.status(stored ? 200 : 201).send(runtime.connectorRefs.hideSecrets(ref));
    },
  );

  addOperation(
    app,
    "GET",
    "/projects/:id/connectors",
    {
      operationId: "listConnectors",
      summary: "List a project's connector refs (secret config values hidden)",
      tags: ["projects"],
      params: IdParams,
      access: { project: projectOf.project },
      responses: {
        200: {
          description: "The connector refs.",
          schema: { type: "array", items: { $ref: "#/components/schemas/ConnectorRef" } },
        },
      },
    },
    async (request) => {
      const { id } = request.params as Id;
      await runtime.projects.get(id);
      return (await runtime.connectorRefs.list(id)).map((ref) => runtime.connectorRefs.hideSecrets(ref));
    },
  );

  addOperation(
    app,
    "GET",
    "/projects/:id/blueprints",
    {
      operationId: "listBlueprints",
      summary: "List a project's blueprints",
      tags: ["blueprints"],
      params: IdParams,
      query: PageQuery,
      access: { project: projectOf.project },
      responses: { 200: { description: "A page of blueprints.", schema: "BlueprintPage" } },
    },
    async (request) => runtime.blueprints.list((request.params as Id).id, request.query as Paging),
  );

  addOperation(
    app,
    "POST",
    "/projects/:id/blueprints",
    {
      operationId: "generateBlueprint",
      summary: "Generate a DRAFT blueprint from a source and target schema and an intent",
      tags: ["blueprints"],
      params: IdParams,
      body: GenerateBlueprintBody,
      access: { action: "blueprint.create", project: projectOf.project },
      responses: {
        201: {
          description: "The DRAFT blueprint and the mapping suggestion it came from.",
          schema: "GeneratedBlueprint",
        },
      },
    },
    async (request, reply) => {
      const blueprint = await runtime.blueprints.generate(
        (request.params as Id).id,
        request.body as z.infer<typeof GenerateBlueprintBody>,
        { actor: request.principal!.actor },
      );
      return reply.status(201).header("location", `/blueprints/${blueprint.id}`).send(blueprint);
    },
  );
}
