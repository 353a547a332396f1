import { type AuthorizeAction, RECORD_STEPS_EVENT, type RecordStepTrace } from "@synapseops/core";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { z } from "zod";
import { routeProjects } from "../auth/route-projects";
import { addOperation, type ResponseSpec } from "../operation";
import {
  IdParams,
  ParkedRecordsBody,
  RunEventsQuery,
  RunListQuery,
  RunRecordParams,
  StartRunBody,
} from "../request-schemas";
import type { ServiceContext } from "../service-context";

type Id = z.infer<typeof IdParams>;

/** Runs of approved blueprints, their events and metrics; cancelling runs and their parked records. */
export function runRoutes(app: FastifyInstance, { runtime }: ServiceContext): void {
  const projectOf = routeProjects(runtime);
  addOperation(
    app,
    "POST",
    "/blueprints/:id/runs",
    {
      operationId: "startRun",
      summary: "Start a run of the approved revision over the given records",
      tags: ["runs"],
      params: IdParams,
      body: StartRunBody,
      access: { action: "run.start", project: projectOf.blueprint },
      responses: {
        202: {
          description: "The run, queued; poll GET /runs/{id}.",
          schema: "Run",
          headers: { Location: { description: "The run's URL." } },
        },
      },
    },
    async (request, reply) => {
      const { records, dryRun, idempotencyKey } = request.body as z.infer<typeof StartRunBody>;
      const run = await runtime.runs.start((request.params as Id).id, {
        records,
        ...(dryRun === undefined ? {} : { dryRun }),
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      });
      return reply.status(202).header("location", `/runs/${run.id}`).send(run);
    },
  );

  addOperation(
    app,
    "GET",
    "/blueprints/:id/runs",
    {
      operationId: "listBlueprintRuns",
      summary: "List a blueprint's runs, oldest first",
      tags: ["runs"],
      params: IdParams,
      query: RunListQuery,
      access: { project: projectOf.blueprint },
      responses: { 200: { description: "A page of runs.", schema: "RunPage" } },
    },
    async (request) => {
      const { id } = request.params as Id;
      await runtime.blueprints.get(id);
      return runtime.runs.list({ ...(request.query as z.infer<typeof RunListQuery>), blueprintId: id });
    },
  );

  addOperation(
    app,
    "GET",
    "/runs/:id",
    {
      operationId: "getRun",
      summary: "Get a run: status, counts, timings",
      tags: ["runs"],
      params: IdParams,
      access: { project: projectOf.run },
      responses: { 200: { description: "The run.", schema: "Run" } },
    },
    async (request) => runtime.runs.get((request.params as Id).id),
  );

  addOperation(
    app,
    "GET",
    "/runs/:id/logs",
    {
      operationId: "getRunLogs",
      summary: "A run's events, in order",
      tags: ["runs"],
      params: IdParams,
      query: RunEventsQuery,
      access: { project: projectOf.run },
      responses: { 200: { description: "The run's events.", schema: "RunEventList" } },
    },
    async (request) => {
      const { id } = request.params as Id;
      const query = request.query as z.infer<typeof RunEventsQuery>;
      // A page like every other list (issue 18); an unknown run is a 404 from runs.events.
      return runtime.runs.events(id, query);
    },
  );

  addOperation(
    app,
    "GET",
    "/runs/:id/records/:key/steps",
    {
      operationId: "getRecordSteps",
      summary: "A record's step waterfall: each step's timing, attempts, redacted input and output, error",
      tags: ["runs"],
      params: RunRecordParams,
      access: { project: projectOf.run },
      responses: { 200: { description: "The record's steps, in order.", schema: "RecordSteps" } },
    },
    async (request) => {
      const { id, key } = request.params as z.infer<typeof RunRecordParams>;
      // One `record.steps` event per pass through the steps (a park or an approval starts another).
      const page = await runtime.runs.events(id, { recordKey: key, type: RECORD_STEPS_EVENT, limit: 500 });
      const steps = page.items.flatMap((event) => event.data.steps as RecordStepTrace[]);
      return { runId: id, recordKey: key, steps };
    },
  );

  addOperation(
    app,
    "GET",
    "/runs/:id/metrics",
    {
      operationId: "getRunMetrics",
      summary: "A run's figures: throughput, latency percentiles, errors, per step",
      tags: ["runs"],
      params: IdParams,
      access: { project: projectOf.run },
      responses: { 200: { description: "The run's counts and metrics so far.", schema: "RunMetricsReport" } },
    },
    async (request) => {
      const { id } = request.params as Id;
      const run = await runtime.runs.get(id);
      const metrics = await runtime.runs.metrics(id);
      return { runId: run.id, status: run.status, counts: run.counts, ...(metrics ? { metrics } : {}) };
    },
  );

  addOperation(
    app,
    "POST",
    "/runs/:id/cancel",
    {
      operationId: "cancelRun",
      summary: "Cancel a run: records not yet done are not started, parked ones are dropped",
      tags: ["runs"],
      params: IdParams,
      access: { action: "run.cancel", project: projectOf.run },
      responses: { 200: { description: "The run, CANCELLED (or already ended).", schema: "Run" } },
    },
    async (request) => runtime.runs.cancel((request.params as Id).id),
  );

  addOperation(
    app,
    "GET",
    "/runs/:id/parked",
    {
      operationId: "listParkedRecords",
      summary: "A run's records parked until their next attempt, soonest due first",
      tags: ["runs"],
      params: IdParams,
      access: { project: projectOf.run },
      responses: {
        200: { description: "The parked records and the next attempt time.", schema: "ParkedRecords" },
      },
    },
    async (request) => runtime.runs.parked((request.params as Id).id),
  );

  const parkedRecordsRoute = parkedRecordsRouteOf(app, projectOf.run);
  parkedRecordsRoute({
    path: "retry-now",
    operationId: "retryParkedNow",
    summary: "Make a run's parked records (or the one of recordKey) due now",
    action: "run.start",
    response: { description: "The records made due (409 when none is parked).", schema: "ParkedRecords" },
    act: async (runId, recordKey) => ({ items: await runtime.runs.retryNow(runId, recordKey) }),
  });
  parkedRecordsRoute({
    path: "cancel",
    operationId: "cancelParkedRecords",
    summary: "Give up a run's parked records (or the one of recordKey): each becomes a dead letter",
    action: "run.cancel",
    response: {
      description: "The run after the records were given up (409 when none is parked).",
      schema: "Run",
    },
    act: (runId, recordKey, actor) => runtime.runs.cancelParked(runId, recordKey, { by: actor }),
  });
}

/** What the routes acting on a run's parked records (`POST /runs/{id}/parked/<path>`) differ in. */
interface ParkedRecordsAction {
  path: string;
  operationId: string;
  summary: string;
  action: AuthorizeAction;
  response: ResponseSpec;
  /** Acts on the run's parked records: all of them, or the one of `recordKey`. */
  act(runId: string, recordKey: string | undefined, actor: string): Promise<unknown>;
}

/** Adds routes acting on a run's parked records: one body (`recordKey`), one access rule, one handler shape. */
function parkedRecordsRouteOf(
  app: FastifyInstance,
  projectOfRun: (request: FastifyRequest) => Promise<string | undefined>,
): (spec: ParkedRecordsAction) => void {
  return (spec) =>
    addOperation(
      app,
      "POST",
      `/runs/:id/parked/${spec.path}`,
      {
        operationId: spec.operationId,
        summary: spec.summary,
        tags: ["runs"],
        params: IdParams,
        body: ParkedRecordsBody,
        access: { action: spec.action, project: projectOfRun },
        responses: { 200: spec.response },
      },
      async (request) => {
        const { recordKey } = (request.body ?? {}) as z.infer<typeof ParkedRecordsBody>;
        return spec.act((request.params as Id).id, recordKey, request.principal!.actor);
      },
    );
}
