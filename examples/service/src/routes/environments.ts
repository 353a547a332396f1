import { Environment } from "@synapseops/core";
import type { FastifyInstance } from "fastify";
import type { z } from "zod";
import { routeProjects } from "../auth/route-projects";
import { toJsonSchema } from "../json-schema";
import { addOperation } from "../operation";
import { EnvironmentParams, IdParams, PutEnvironmentBody } from "../request-schemas";
import type { ServiceContext } from "../service-context";

type Id = z.infer<typeof IdParams>;
type Named = z.infer<typeof EnvironmentParams>;

const EnvironmentJson = toJsonSchema(Environment, "output");

/**
 * A project's environments (issue 23): where its connectors point. Secrets are only names of
 * keys the host's SecretProvider resolves, so an environment carries no secret value to hide.
 */
export function environmentRoutes(app: FastifyInstance, { runtime }: ServiceContext): void {
  const projectOf = routeProjects(runtime);
  const tags = ["projects"];
  addOperation(
    app,
    "GET",
    "/projects/:id/environments",
    {
      operationId: "listEnvironments",
      summary: "List a project's environments (a handful: not paginated)",
      tags,
      params: IdParams,
      access: { project: projectOf.project },
      responses: {
        200: { description: "The environments.", schema: { type: "array", items: EnvironmentJson } },
      },
    },
    async (request) => runtime.environments.list((request.params as Id).id),
  );

  addOperation(
    app,
    "PUT",
    "/projects/:id/environments/:name",
    {
      operationId: "putEnvironment",
      summary: "Create or replace a project's environment of that name",
      tags,
      params: EnvironmentParams,
      body: PutEnvironmentBody,
      access: { action: "project.update", project: projectOf.project },
      responses: { 200: { description: "The environment.", schema: EnvironmentJson } },
    },
    async (request) => {
      const { id, name } = request.params as Named;
      return runtime.environments.put(
        id,
        { ...(request.body as z.infer<typeof PutEnvironmentBody>), name },
        { actor: request.principal!.actor },
      );
    },
  );
}
