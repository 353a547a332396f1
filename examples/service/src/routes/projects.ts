import type { FastifyInstance } from "fastify";
import type { z } from "zod";
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
  addOperation(
    app,
    "POST",
    "/projects",
    {
      operationId: "createProject",
      summary: "Create a project",
      tags: ["projects"],
      body: CreateProjectBody,
      responses: { 201: { description: "The project.", schema: "Project" } },
    },
    async (request, reply) => {
      const project = await runtime.projects.create(request.body as z.infer<typeof CreateProjectBody>);
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
      responses: { 200: { description: "A page of projects.", schema: "ProjectPage" } },
    },
    async (request) => runtime.projects.list(request.query as Paging),
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
      responses: { 200: { description: "The project.", schema: "Project" } },
    },
    async (request) => runtime.projects.get((request.params as Id).id),
  );

  addOperation(
    app,
    "POST",
    "/projects/:id/connectors",
    {
      operationId: "addConnector",
      summary: "Add a connector ref to a project (config checked by the connector's schema)",
      tags: ["projects"],
      params: IdParams,
      body: CreateConnectorBody,
      responses: { 201: { description: "The connector ref.", schema: "ConnectorRef" } },
    },
    async (request, reply) => {
      const ref = await runtime.connectorRefs.put(
        (request.params as Id).id,
        request.body as z.infer<typeof CreateConnectorBody>,
      );
      return reply.status(201).send(ref);
    },
  );

  addOperation(
    app,
    "GET",
    "/projects/:id/connectors",
    {
      operationId: "listConnectors",
      summary: "List a project's connector refs",
      tags: ["projects"],
      params: IdParams,
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
      return runtime.connectorRefs.list(id);
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
      );
      return reply.status(201).header("location", `/blueprints/${blueprint.id}`).send(blueprint);
    },
  );
}
