import type { FastifyInstance } from "fastify";
import { addOperation } from "../operation";
import { inlineQueueMonitor } from "../queue/queue-monitor";
import type { ServiceContext } from "../service-context";

/** `GET /queue`: the run queue's counts and workers (BullMQ), or `inline`. */
export function queueRoutes(app: FastifyInstance, { queueMonitor }: ServiceContext): void {
  app.addHook("onClose", async () => queueMonitor?.close());
  addOperation(
    app,
    "GET",
    "/queue",
    {
      operationId: "getQueue",
      summary: "The run queue: jobs per state, workers alive, stalled jobs (BullMQ), or inline",
      tags: ["service"],
      // Counts of every project's jobs, no project data: any signed-in caller may see them.
      access: { project: "any" },
      responses: { 200: { description: "The queue's state.", schema: "QueueView" } },
    },
    async () => (queueMonitor ?? inlineQueueMonitor).view(),
  );
}
