import type { Subscription } from "../../connector";
import { ConnectorError } from "../../connector-error";
import { ValidationError } from "../../errors";
import type { Logger } from "../../logger";
import type { Run } from "../../model/run";
import type { CreateRunOptions } from "../create/create-run";
import type { PlanDeps } from "../plan/bind-connector";
import { bindTriggerSource, triggerContext } from "./trigger-source";

/** What consuming a push source needs. */
export interface SubscribeDeps extends PlanDeps {
  logger: Logger;
  createRun: (blueprintId: string, records: unknown[], options: CreateRunOptions) => Promise<Run>;
  /** Waits for a run to end (`runs.wait`). */
  wait: (runId: string) => Promise<Run>;
}

/**
 * Consumes the blueprint's push source (its trigger connector, else its source) through the
 * connector's `subscribe`: each delivered batch becomes a run; the batch is acknowledged when
 * the run finished (failed records are dead letters here) and redelivered when the run could
 * not process it.
 */
export async function subscribe(
  deps: SubscribeDeps,
  blueprintId: string,
  options: { environment?: string } = {},
): Promise<Subscription> {
  const trigger = await bindTriggerSource(deps, blueprintId, options.environment, "trigger");
  const { source } = trigger;
  if (source.connector.subscribe === undefined) {
    throw new ValidationError(
      `connector "${source.ref.id}" (type ${source.ref.type}) cannot subscribe: it is not a push source`,
      { path: trigger.path },
    );
  }
  const stop = new AbortController();
  const context = triggerContext(deps.logger.child({ blueprintId, trigger: "queue" }), trigger, stop.signal);
  const subscription = await source.connector.subscribe(source.config, context, async (batch) => {
    if (batch.records.length === 0) return;
    const run = await deps.createRun(blueprintId, batch.records, {
      trigger: { kind: "queue", detail: source.ref.id },
      ...(options.environment ? { environment: options.environment } : {}),
    });
    const done = await deps.wait(run.id);
    // Records that failed are dead letters here (replayable), so the batch is acknowledged;
    // only a run that never processed its records asks the source to deliver them again.
    if (done.status === "CANCELLED" || (done.status === "FAILED" && done.error !== undefined)) {
      throw new ConnectorError(`run "${run.id}" of the delivered batch ended ${done.status}`, {
        retryable: true,
      });
    }
  });
  return {
    async close() {
      stop.abort();
      await subscription.close();
    },
  };
}
