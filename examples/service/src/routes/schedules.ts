import { Schedule } from "@synapseops/core";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { routeProjects } from "../auth/route-projects";
import { toJsonSchema } from "../json-schema";
import { addOperation } from "../operation";
import { CreateScheduleBody, IdParams, PageQuery } from "../request-schemas";
import type { ServiceContext } from "../service-context";

type Id = z.infer<typeof IdParams>;

const ScheduleJson = toJsonSchema(Schedule, "output");
const FiresQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).optional() });
const TickJson = {
  type: "object",
  required: ["scheduleId", "tick", "state", "attempts", "claimedAt"],
  properties: {
    scheduleId: { type: "string" },
    tick: { type: "string", format: "date-time" },
    state: { type: "string", enum: ["PENDING", "FIRED", "SKIPPED", "FAILED"] },
    attempts: { type: "integer" },
    runId: { type: "string" },
    reason: { type: "string" },
    claimedAt: { type: "string", format: "date-time" },
    firedAt: { type: "string", format: "date-time" },
  },
} as const;

/** Schedules of blueprints (issues 20, 23): create, list, see their ticks, pause, resume, delete. */
export function scheduleRoutes(app: FastifyInstance, { runtime }: ServiceContext): void {
  const projectOf = routeProjects(runtime);
  // A schedule acts in its blueprint's project; an unknown one resolves to none (see routeProjects).
  const projectOfSchedule = async (request: FastifyRequest): Promise<string | undefined> =>
    runtime.schedules.get((request.params as Id).id).then(
      (schedule) => schedule.projectId,
      () => undefined,
    );
  addOperation(
    app,
    "GET",
    "/blueprints/:id/schedules",
    {
      operationId: "listBlueprintSchedules",
      summary: "List a blueprint's schedules, oldest first",
      tags: ["schedules"],
      access: { project: projectOf.blueprint },
      params: IdParams,
      query: PageQuery,
      responses: {
        200: {
          description: "A page of schedules.",
          schema: {
            type: "object",
            required: ["items"],
            properties: { items: { type: "array", items: ScheduleJson }, nextCursor: { type: "string" } },
          },
        },
      },
    },
    async (request) => {
      const { id } = request.params as Id;
      await runtime.blueprints.get(id);
      return runtime.schedules.list({ ...(request.query as z.infer<typeof PageQuery>), blueprintId: id });
    },
  );

  addOperation(
    app,
    "POST",
    "/blueprints/:id/schedules",
    {
      operationId: "createSchedule",
      summary: "Create a schedule of a blueprint: a cron expression in a time zone, or an interval",
      tags: ["schedules"],
      access: { action: "schedule.write", project: projectOf.blueprint },
      params: IdParams,
      body: CreateScheduleBody,
      responses: { 201: { description: "The schedule.", schema: ScheduleJson } },
    },
    async (request, reply) => {
      const { id } = request.params as Id;
      const schedule = await runtime.schedules.create(
        { ...(request.body as z.infer<typeof CreateScheduleBody>), blueprintId: id },
        { actor: request.principal!.actor },
      );
      return reply.status(201).header("location", `/schedules/${schedule.id}`).send(schedule);
    },
  );

  addOperation(
    app,
    "DELETE",
    "/schedules/:id",
    {
      operationId: "deleteSchedule",
      summary: "Delete a schedule and its ticks (a run it started goes on)",
      tags: ["schedules"],
      access: { action: "schedule.write", project: projectOfSchedule },
      params: IdParams,
      responses: { 204: { description: "Deleted." } },
    },
    async (request, reply) => {
      await runtime.schedules.delete((request.params as Id).id, { actor: request.principal!.actor });
      return reply.status(204).send();
    },
  );

  addOperation(
    app,
    "GET",
    "/schedules/:id",
    {
      operationId: "getSchedule",
      summary: "Get a schedule and its next fire times",
      tags: ["schedules"],
      access: { project: projectOfSchedule },
      params: IdParams,
      responses: {
        200: {
          description: "The schedule, with the next 5 instants it fires at (none while paused).",
          schema: {
            type: "object",
            required: ["schedule", "nextFireTimes"],
            properties: {
              schedule: ScheduleJson,
              nextFireTimes: { type: "array", items: { type: "string", format: "date-time" } },
            },
          },
        },
      },
    },
    async (request) => {
      const { id } = request.params as Id;
      const schedule = await runtime.schedules.get(id);
      const next = await runtime.schedules.nextFireTimes(id, 5);
      return { schedule, nextFireTimes: next.map((at) => at.toISOString()) };
    },
  );

  addOperation(
    app,
    "GET",
    "/schedules/:id/fires",
    {
      operationId: "listScheduleFires",
      summary: "A schedule's ticks, most recent first: state, run, reason",
      tags: ["schedules"],
      access: { project: projectOfSchedule },
      params: IdParams,
      query: FiresQuery,
      responses: {
        200: {
          description: "The schedule's ticks.",
          schema: {
            type: "object",
            required: ["items"],
            properties: { items: { type: "array", items: TickJson } },
          },
        },
      },
    },
    async (request) => {
      const { id } = request.params as Id;
      const { limit } = request.query as z.infer<typeof FiresQuery>;
      return { items: await runtime.schedules.fires(id, limit === undefined ? {} : { limit }) };
    },
  );

  for (const action of ["pause", "resume"] as const) {
    addOperation(
      app,
      "POST",
      `/schedules/:id/${action}`,
      {
        operationId: `${action}Schedule`,
        summary:
          action === "pause"
            ? "Pause a schedule: no tick fires until it is resumed"
            : "Resume a schedule: ticks fire again from now on (ticks due while paused never fire)",
        tags: ["schedules"],
        access: { action: "schedule.write", project: projectOfSchedule },
        params: IdParams,
        responses: { 200: { description: "The schedule.", schema: ScheduleJson } },
      },
      async (request) =>
        runtime.schedules[action]((request.params as Id).id, { actor: request.principal!.actor }),
    );
  }
}
