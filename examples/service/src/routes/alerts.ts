import { NotFoundError, ValidationError } from "@synapseops/core";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { z } from "zod";
import { alertEvaluator } from "../alerts/alert-evaluator";
import { alertRules } from "../alerts/alert-rules";
import { routeProjects } from "../auth/route-projects";
import { addOperation } from "../operation";
import { AlertRuleBody, IdParams } from "../request-schemas";
import type { ServiceContext } from "../service-context";

type Id = z.infer<typeof IdParams>;

/** Connector types an alert can be sent through. */
const CHANNEL_TYPES = new Set(["slack", "teams", "email"]);

/**
 * Alert rules per blueprint — failure rate, dead letters, lag — sent through a notification
 * connector of the project with a quiet period; checked as runs finish and dead letters arrive.
 */
export function alertRoutes(app: FastifyInstance, { runtime, live, alertRules: kept }: ServiceContext): void {
  const rules = kept ?? alertRules();
  const evaluator = alertEvaluator({ runtime, rules, live });
  evaluator.start();
  app.addHook("onClose", async () => evaluator.stop());
  const projectOf = routeProjects(runtime);
  const ruleProject = async (request: FastifyRequest) => {
    try {
      return rules.get((request.params as Id).id).projectId;
    } catch (error) {
      if (error instanceof NotFoundError) return undefined; // the route's own 404 for grants on every project
      throw error;
    }
  };
  const tags = ["alerts"];

  addOperation(
    app,
    "POST",
    "/projects/:id/alerts",
    {
      operationId: "createAlertRule",
      summary: "Create an alert rule on a blueprint of the project",
      tags,
      params: IdParams,
      body: AlertRuleBody,
      access: { action: "project.update", project: projectOf.project },
      responses: { 201: { description: "The rule.", schema: "AlertRule" } },
    },
    async (request, reply) => {
      const projectId = (await runtime.projects.get((request.params as Id).id)).id;
      const input = request.body as z.infer<typeof AlertRuleBody>;
      const blueprint = await runtime.blueprints.get(input.blueprintId).catch(() => undefined);
      if (blueprint?.projectId !== projectId)
        throw new ValidationError(`blueprint "${input.blueprintId}" is not in project "${projectId}"`, {
          path: "/blueprintId",
        });
      const channel = await runtime.connectorRefs.get(input.channel).catch(() => undefined);
      if (channel?.projectId !== projectId || !CHANNEL_TYPES.has(channel.type))
        throw new ValidationError(
          `channel "${input.channel}" is not a slack, teams or email connector of project "${projectId}"`,
          { path: "/channel" },
        );
      return reply.status(201).send(await rules.create(projectId, input, new Date()));
    },
  );

  addOperation(
    app,
    "GET",
    "/projects/:id/alerts",
    {
      operationId: "listAlertRules",
      summary: "The project's alert rules, with each one's last value, last alert and last error",
      tags,
      params: IdParams,
      access: { project: projectOf.project },
      responses: { 200: { description: "The rules.", schema: "AlertRuleList" } },
    },
    async (request) => {
      const project = await runtime.projects.get((request.params as Id).id);
      return { items: rules.ofProject(project.id) };
    },
  );

  addOperation(
    app,
    "DELETE",
    "/alerts/:id",
    {
      operationId: "deleteAlertRule",
      summary: "Delete an alert rule",
      tags,
      params: IdParams,
      access: { action: "project.update", project: ruleProject },
      responses: { 204: { description: "Deleted." } },
    },
    async (request, reply) => {
      await rules.delete((request.params as Id).id);
      return reply.status(204).send();
    },
  );
}
