import type { ConnectionOptions, JobType } from "bullmq";

/** The BullMQ states the queue view counts. */
const COUNTED: JobType[] = ["waiting", "prioritized", "active", "delayed", "failed", "completed"];

/** What the queue view shows (`GET /queue`). */
export interface QueueView {
  /** `inline`: runs go through the process that started them; there is no queue to watch. */
  engine: "inline" | "bullmq";
  queues?: { name: string; counts: Record<string, number> }[];
  /** Redis clients BullMQ knows as workers of the batches queue (its `getWorkers`). */
  workers?: { name: string; addr?: string; age?: number }[];
  /** Jobs BullMQ reported stalled (a worker stopped renewing their lock) since this process started. */
  stalled?: number;
}

/** Reads the run queue's state from BullMQ's own API. */
export interface QueueMonitor {
  view(): Promise<QueueView>;
  close(): Promise<void>;
}

/** The view when runs are not queued at all. */
export const inlineQueueMonitor: QueueMonitor = {
  view: async () => ({ engine: "inline" }),
  close: async () => undefined,
};

/**
 * Watches the runtime's BullMQ queues (`names`: the batches queue first) with BullMQ's Queue
 * (`getJobCounts`, `getWorkers`) and counts `stalled` events of the batches queue with its
 * QueueEvents, so a worker that died mid-batch shows up without reading Redis keys ourselves.
 */
export async function bullmqQueueMonitor(
  connection: ConnectionOptions,
  prefix: string,
  names: readonly string[],
): Promise<QueueMonitor> {
  const { Queue, QueueEvents } = await import("bullmq");
  const queues = names.map((name) => new Queue(name, { connection, prefix }));
  const events = new QueueEvents(names[0]!, { connection, prefix });
  let stalled = 0;
  events.on("stalled", () => {
    stalled += 1;
  });
  // A Redis outage shows as a failed GET /queue, not as an unhandled error event.
  events.on("error", () => undefined);
  return {
    async view() {
      const [counts, workers] = await Promise.all([
        Promise.all(
          queues.map(async (queue) => ({ name: queue.name, counts: await queue.getJobCounts(...COUNTED) })),
        ),
        queues[0]!.getWorkers(),
      ]);
      return {
        engine: "bullmq",
        queues: counts,
        workers: workers.map((client) => ({
          name: client.name ?? "",
          ...(client.addr ? { addr: client.addr } : {}),
          ...(client.age ? { age: Number(client.age) } : {}),
        })),
        stalled,
      };
    },
    async close() {
      await Promise.all([events.close(), ...queues.map((queue) => queue.close())]);
    },
  };
}
