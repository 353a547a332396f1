import type { Page, Run } from "@synapseops/core";
import { NotFoundError } from "@synapseops/core";
import type { FastifyInstance } from "fastify";
import type { z } from "zod";
import { roleIn } from "../auth/roles";
import { addOperation } from "../operation";
import { AllRunsQuery } from "../request-schemas";
import type { ServiceContext } from "../service-context";

type Query = z.infer<typeof AllRunsQuery>;

/** Store pages one request reads at most while a time range skips runs, so a request stays bounded. */
const MAX_SCANNED_PAGES = 10;

/**
 * `GET /runs`: one list across blueprints and projects, newest first, filtered by status,
 * project, blueprint, customer connection and creation time, searched by record key, idempotency
 * key or run id (`q`), in cursor pages. Status, project, blueprint and both keys are the store's
 * own filters; the connection and the time range are applied while paging (run ids are time-ordered, so the scan stops at the first
 * run older than `since`).
 */
export function runListRoutes(app: FastifyInstance, { runtime }: ServiceContext): void {
  addOperation(
    app,
    "GET",
    "/runs",
    {
      operationId: "listRuns",
      summary:
        "Runs across blueprints, newest first: status, project, blueprint, connection, time range; by record key, idempotency key or run id",
      tags: ["runs"],
      query: AllRunsQuery,
      // Filtered below to the caller's projects.
      access: { project: "any" },
      responses: { 200: { description: "A page of runs.", schema: "RunPage" } },
    },
    async (request): Promise<Page<Run>> => {
      const query = request.query as Query;
      const grants = request.principal!.grants;
      const visible = (run: Run): boolean =>
        roleIn(grants, run.projectId) !== undefined &&
        (query.status === undefined || run.status === query.status) &&
        (query.projectId === undefined || run.projectId === query.projectId) &&
        (query.blueprintId === undefined || run.blueprintId === query.blueprintId) &&
        (query.connection === undefined || run.connection === query.connection) &&
        (query.idempotencyKey === undefined || run.idempotencyKey === query.idempotencyKey) &&
        (query.since === undefined || run.createdAt >= query.since) &&
        (query.until === undefined || run.createdAt < query.until);
      if (query.q !== undefined) {
        const run = await runtime.runs.get(query.q).catch((error: unknown) => {
          if (error instanceof NotFoundError) return undefined;
          throw error;
        });
        return { items: run !== undefined && visible(run) ? [run] : [] };
      }
      const limit = query.limit ?? 50;
      const items: Run[] = [];
      let cursor = query.cursor;
      for (let scanned = 0; scanned < MAX_SCANNED_PAGES && items.length < limit; scanned++) {
        const page = await runtime.runs.list({
          limit: limit - items.length,
          ...(cursor === undefined ? {} : { cursor }),
          ...(query.status === undefined ? {} : { status: query.status }),
          ...(query.projectId === undefined ? {} : { projectId: query.projectId }),
          ...(query.blueprintId === undefined ? {} : { blueprintId: query.blueprintId }),
          ...(query.recordKey === undefined ? {} : { recordKey: query.recordKey }),
          ...(query.idempotencyKey === undefined ? {} : { idempotencyKey: query.idempotencyKey }),
        });
        items.push(...page.items.filter(visible));
        cursor = page.nextCursor;
        // Newest first: past `since`, every later page is older still.
        const oldest = page.items.at(-1);
        if (cursor === undefined || (query.since !== undefined && oldest && oldest.createdAt < query.since))
          return { items };
      }
      return { items, ...(cursor === undefined ? {} : { nextCursor: cursor }) };
    },
  );
}
