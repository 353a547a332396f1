import type { FastifyInstance } from "fastify";
import type { z } from "zod";
import { routeProjects } from "../auth/route-projects";
import { exportBlueprint } from "../export-bundle";
import { testBlueprintMapping } from "../mapping-playground";
import { addOperation } from "../operation";
import {
  DiffQuery,
  IdParams,
  MappingTestBody,
  PageQuery,
  PatchBlueprintBody,
  RevisionParams,
} from "../request-schemas";
import { precheckSamples } from "../sample-precheck";
import type { ServiceContext } from "../service-context";

type Id = z.infer<typeof IdParams>;

/** A blueprint's lifecycle, revisions, mapping playground and export. */
export function blueprintRoutes(app: FastifyInstance, { runtime }: ServiceContext): void {
  const tags = ["blueprints"];
  const projectOf = routeProjects(runtime);
  const read = { project: projectOf.blueprint };

  addOperation(
    app,
    "GET",
    "/blueprints/:id",
    {
      operationId: "getBlueprint",
      summary: "Get a blueprint (status, head, approved and validated revisions)",
      tags,
      params: IdParams,
      access: read,
      responses: { 200: { description: "The blueprint.", schema: "Blueprint" } },
    },
    async (request) => runtime.blueprints.get((request.params as Id).id),
  );

  addOperation(
    app,
    "PATCH",
    "/blueprints/:id",
    {
      operationId: "editBlueprint",
      summary: "Edit a blueprint with a JSON Merge Patch of its body: a new DRAFT revision",
      tags,
      params: IdParams,
      access: { action: "blueprint.edit", project: projectOf.blueprint },
      body: PatchBlueprintBody,
      responses: { 200: { description: "The blueprint at its new revision.", schema: "Blueprint" } },
    },
    async (request) => {
      const { expectedRevision, patch, message } = request.body as z.infer<typeof PatchBlueprintBody>;
      return runtime.blueprints.edit(
        (request.params as Id).id,
        {
          patch,
          expectedRevision,
          ...(message === undefined ? {} : { message }),
        },
        { actor: request.principal!.actor },
      );
    },
  );

  addOperation(
    app,
    "POST",
    "/blueprints/:id/validate",
    {
      operationId: "validateBlueprint",
      summary:
        "Validate the head revision; a clean one moves DRAFT → VALIDATED (400 when a golden sample goes past a mapping limit)",
      tags,
      params: IdParams,
      access: { action: "blueprint.validate", project: projectOf.blueprint },
      responses: { 200: { description: "The validation report.", schema: "ValidationReport" } },
    },
    async (request) => {
      const { id } = request.params as Id;
      // Golden samples are caller mappings run on data: in a worker first (issue 16).
      await precheckSamples(runtime, id);
      return runtime.blueprints.validate(id, { actor: request.principal!.actor });
    },
  );

  addOperation(
    app,
    "POST",
    "/blueprints/:id/approve",
    {
      operationId: "approveBlueprint",
      summary: "Approve the head revision (422 with the validation errors when it has any)",
      tags,
      params: IdParams,
      access: { action: "blueprint.approve", project: projectOf.blueprint },
      responses: { 200: { description: "The APPROVED blueprint.", schema: "Blueprint" } },
    },
    async (request) => {
      const { id } = request.params as Id;
      await precheckSamples(runtime, id);
      return runtime.blueprints.approve(id, { actor: request.principal!.actor });
    },
  );

  addOperation(
    app,
    "GET",
    "/blueprints/:id/revisions",
    {
      operationId: "listRevisions",
      summary: "List a blueprint's revisions, oldest first",
      tags,
      params: IdParams,
      access: read,
      query: PageQuery,
      responses: { 200: { description: "A page of revisions.", schema: "RevisionPage" } },
    },
    async (request) =>
      runtime.blueprints.revisions.list(
        (request.params as Id).id,
        request.query as z.infer<typeof PageQuery>,
      ),
  );

  addOperation(
    app,
    "GET",
    "/blueprints/:id/revisions/:revision",
    {
      operationId: "getRevision",
      summary: "Get one revision of a blueprint, with its body",
      tags,
      params: RevisionParams,
      access: read,
      responses: { 200: { description: "The revision.", schema: "BlueprintRevision" } },
    },
    async (request) => {
      const { id, revision } = request.params as z.infer<typeof RevisionParams>;
      return runtime.blueprints.revisions.get(id, revision);
    },
  );

  addOperation(
    app,
    "GET",
    "/blueprints/:id/diff",
    {
      operationId: "diffRevisions",
      summary: "The JSON Patch between two revisions' bodies",
      tags,
      params: IdParams,
      access: read,
      query: DiffQuery,
      responses: { 200: { description: "The operations from `from` to `to`.", schema: "RevisionDiff" } },
    },
    async (request) => {
      const { from, to } = request.query as z.infer<typeof DiffQuery>;
      const operations = await runtime.blueprints.revisions.diff((request.params as Id).id, from, to);
      return { from, to, operations };
    },
  );

  addOperation(
    app,
    "POST",
    "/blueprints/:id/mapping-tests",
    {
      operationId: "testMapping",
      summary: "Map a sample record: the output, each field's explanation and schema problems",
      tags,
      params: IdParams,
      access: { action: "blueprint.edit", project: projectOf.blueprint },
      body: MappingTestBody,
      responses: { 200: { description: "The mapping's result on the sample.", schema: "MappingTestResult" } },
    },
    async (request) =>
      testBlueprintMapping(
        runtime,
        (request.params as Id).id,
        request.body as z.infer<typeof MappingTestBody>,
      ),
  );

  addOperation(
    app,
    "GET",
    "/blueprints/:id/export",
    {
      operationId: "exportBlueprint",
      summary: "A zip of the blueprint's generated artifacts (OpenAPI, SDK, Postman, tests, manifest)",
      tags,
      params: IdParams,
      access: read,
      responses: {
        200: {
          description: "The reproducible zip from codegen's bundle generator.",
          contentType: "application/zip",
          schema: { type: "string", contentMediaType: "application/zip" },
        },
      },
    },
    async (request, reply) => {
      const { fileName, zip } = await exportBlueprint(runtime, (request.params as Id).id);
      return reply
        .type("application/zip")
        .header("content-disposition", `attachment; filename="${fileName}"`)
        .send(Buffer.from(zip));
    },
  );
}
