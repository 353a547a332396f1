import type { DeadLetterFilter, Runtime } from "@synapseops/core";
import { ValidationError } from "@synapseops/core";
import type { FastifyInstance } from "fastify";
import type { z } from "zod";
import { roleIn } from "../auth/roles";
import { routeProjects } from "../auth/route-projects";
import { addOperation } from "../operation";
import {
  type DeadLetterFilterFields,
  DeadLetterQuery,
  IdParams,
  ReplayBody,
  ReplayMatchingBody,
} from "../request-schemas";
import type { ServiceContext } from "../service-context";

type Id = z.infer<typeof IdParams>;

/** Dead letters one filtered replay takes at most: a run's records (`POST /blueprints/{id}/runs` takes as many). */
export const MAX_REPLAYED = 10_000;

/** The store's filter from the request's error code and time range. */
function filterOf({ errorCode, since, until }: z.infer<typeof DeadLetterFilterFields>): DeadLetterFilter {
  return {
    ...(errorCode === undefined ? {} : { errorCode }),
    ...(since === undefined ? {} : { since: new Date(since) }),
    ...(until === undefined ? {} : { until: new Date(until) }),
  };
}

/** How many dead letters match, counting no further than `MAX_REPLAYED + 1`. */
async function countUpToLimit(runtime: Runtime, filter: DeadLetterFilter): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await runtime.deadLetters.list({ ...filter, limit: 500, ...(cursor ? { cursor } : {}) });
    count += page.items.length;
    cursor = page.nextCursor;
  } while (cursor !== undefined && count <= MAX_REPLAYED);
  return count;
}

/** Dead letters: listed with filters, replayed by id, or replayed as the filtered set of a blueprint. */
export function deadLetterRoutes(app: FastifyInstance, { runtime }: ServiceContext): void {
  const projectOf = routeProjects(runtime);
  const tags = ["dead letters"];

  addOperation(
    app,
    "GET",
    "/dead-letters",
    {
      operationId: "listDeadLetters",
      summary: "List dead letters: by blueprint, run, replayed or not, error code and time range",
      tags,
      query: DeadLetterQuery,
      access: { project: "any" },
      responses: { 200: { description: "A page of dead letters.", schema: "DeadLetterPage" } },
    },
    async (request) => {
      const { replayed, errorCode, since, until, ...rest } = request.query as z.infer<typeof DeadLetterQuery>;
      const page = await runtime.deadLetters.list({
        ...rest,
        ...filterOf({ errorCode, since, until }),
        ...(replayed === undefined ? {} : { replayed: replayed === "true" }),
      });
      // Only dead letters of projects the caller has a role in.
      const grants = request.principal!.grants;
      const projects = new Map<string, string | undefined>();
      const items = [];
      for (const letter of page.items) {
        if (!projects.has(letter.blueprintId)) {
          const blueprint = await runtime.blueprints.get(letter.blueprintId).catch(() => undefined);
          projects.set(letter.blueprintId, blueprint?.projectId);
        }
        const projectId = projects.get(letter.blueprintId);
        if (projectId !== undefined && roleIn(grants, projectId) !== undefined) items.push(letter);
      }
      return { ...page, items };
    },
  );

  addOperation(
    app,
    "POST",
    "/dead-letters/replay",
    {
      operationId: "replayDeadLetters",
      summary: "Replay dead letters of one blueprint: a new run of those records",
      tags,
      body: ReplayBody,
      access: { action: "deadLetter.replay", project: projectOf.deadLetters },
      responses: {
        202: {
          description: "The replay run, queued.",
          schema: "Run",
          headers: { Location: { description: "The run's URL." } },
        },
      },
    },
    async (request, reply) => {
      const run = await runtime.deadLetters.replay(
        (request.body as z.infer<typeof ReplayBody>).deadLetterIds,
      );
      return reply.status(202).header("location", `/runs/${run.id}`).send(run);
    },
  );

  addOperation(
    app,
    "POST",
    "/blueprints/:id/dead-letters/replay",
    {
      operationId: "replayMatchingDeadLetters",
      summary:
        "Replay every dead letter of a blueprint not replayed yet that matches an error code and time range: one run",
      tags,
      params: IdParams,
      body: ReplayMatchingBody,
      access: { action: "deadLetter.replay", project: projectOf.blueprint },
      responses: {
        202: {
          description: "The replay run, queued (400 when nothing matches or more than 10,000 do).",
          schema: "Run",
          headers: { Location: { description: "The run's URL." } },
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params as Id;
      await runtime.blueprints.get(id);
      const filter: DeadLetterFilter = {
        ...filterOf(request.body as z.infer<typeof ReplayMatchingBody>),
        blueprintId: id,
        replayed: false,
      };
      // Refused rather than cut short: a partial replay would leave letters behind unseen.
      if ((await countUpToLimit(runtime, filter)) > MAX_REPLAYED)
        throw new ValidationError(
          `more than ${MAX_REPLAYED} dead letters match: narrow the error code or time range`,
          { path: "" },
        );
      const run = await runtime.deadLetters.replay(filter);
      return reply.status(202).header("location", `/runs/${run.id}`).send(run);
    },
  );
}
