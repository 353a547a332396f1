import type { DeadLetter, NewRunEvent, Run, RunEvent, Store } from "@synapseops/core";

/**
 * What the console hears about, as it happens: a run created or changed (status, counts), an
 * event appended to a run's log, a dead letter. Small on purpose — ids, status, counts, the
 * event's type and level — and never record data: the console fetches details through the API,
 * whose routes check the caller's role.
 */
export type LiveEvent =
  | { type: "run.created" | "run.updated"; projectId: string; blueprintId: string; run: RunSummary }
  | {
      type: "run.event";
      projectId: string;
      blueprintId: string;
      runId: string;
      event: Pick<RunEvent, "seq" | "at" | "level" | "type"> & { step?: string; recordKey?: string };
    }
  | {
      type: "deadLetter.created";
      projectId: string;
      blueprintId: string;
      deadLetter: Pick<DeadLetter, "id" | "runId" | "blueprintId">;
    };

/** The part of a run a live update carries. */
export type RunSummary = Pick<Run, "id" | "blueprintId" | "status" | "counts" | "createdAt">;

const summary = (run: Run): RunSummary => ({
  id: run.id,
  blueprintId: run.blueprintId,
  status: run.status,
  counts: run.counts,
  createdAt: run.createdAt,
});

/** How many runs' project and blueprint are remembered for the events appended to them. */
const REMEMBERED_RUNS = 10_000;

/**
 * An in-process bus of {@link LiveEvent}s, fed by a store wrapper: what this process writes to
 * the store is published after the write succeeded. Runs executed by other processes (BullMQ
 * workers) are not seen; their runs still show in the API.
 */
export function liveEvents() {
  const listeners = new Set<(event: LiveEvent) => void>();
  const runs = new Map<string, { projectId: string; blueprintId: string }>();
  const publish = (event: LiveEvent): void => {
    for (const listener of listeners) listener(event);
  };
  const remember = (run: Run): void => {
    runs.delete(run.id);
    runs.set(run.id, { projectId: run.projectId, blueprintId: run.blueprintId });
    if (runs.size > REMEMBERED_RUNS) runs.delete(runs.keys().next().value!);
  };

  /** The store, with every run, run event and dead letter written published once written. */
  function wrap(store: Store): Store {
    const where = async (runId: string) => {
      const known = runs.get(runId);
      if (known) return known;
      const run = await store.getRun(runId);
      if (run) remember(run);
      return runs.get(runId);
    };
    const published: Partial<Store> = {
      async insertRun(run: Run) {
        await store.insertRun(run);
        remember(run);
        publish({
          type: "run.created",
          projectId: run.projectId,
          blueprintId: run.blueprintId,
          run: summary(run),
        });
      },
      async updateRun(run: Run, expectedVersion: number) {
        await store.updateRun(run, expectedVersion);
        remember(run);
        publish({
          type: "run.updated",
          projectId: run.projectId,
          blueprintId: run.blueprintId,
          run: summary(run),
        });
      },
      async appendRunEvents(runId: string, events: readonly NewRunEvent[]) {
        const appended = await store.appendRunEvents(runId, events);
        if (listeners.size > 0) {
          const run = await where(runId);
          if (run) {
            for (const e of appended) {
              publish({
                type: "run.event",
                ...run,
                runId,
                event: {
                  seq: e.seq,
                  at: e.at,
                  level: e.level,
                  type: e.type,
                  ...(e.step === undefined ? {} : { step: e.step }),
                  ...(e.recordKey === undefined ? {} : { recordKey: e.recordKey }),
                },
              });
            }
          }
        }
        return appended;
      },
      async insertDeadLetter(deadLetter: DeadLetter) {
        await store.insertDeadLetter(deadLetter);
        const run = await where(deadLetter.runId);
        if (run) {
          publish({
            type: "deadLetter.created",
            ...run,
            deadLetter: { id: deadLetter.id, runId: deadLetter.runId, blueprintId: deadLetter.blueprintId },
          });
        }
      },
    };
    // A Proxy keeps every other method (and `kind`) of the store as it is, prototype included.
    return new Proxy(store, {
      get(target, key, receiver) {
        if (typeof key === "string" && key in published) return published[key as keyof Store];
        const value = Reflect.get(target, key, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }

  return {
    wrap,
    /** Calls `listener` with every event from now on; returns the function that stops it. */
    subscribe(listener: (event: LiveEvent) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** What {@link liveEvents} returns. */
export type LiveEvents = ReturnType<typeof liveEvents>;
