import { requestApproval } from "../approvals/approval-step";
import type { PlannedLookup, PlannedNotify, PlannedStep } from "../plan/run-plan";
import { callConnector } from "./connector-call";
import type { RecordInFlight } from "./record-context";
import { send } from "./send-step";

/** Where a step left the record: stopped by a filter, waiting at an approval, or going on. */
export type StepEnd = "filtered" | "waiting" | undefined;

/** Runs one step of the record; what it changes is in `record.value` (and `lastResult`). */
export async function runStep(record: RecordInFlight, planned: PlannedStep): Promise<StepEnd> {
  switch (planned.kind) {
    case "map":
      record.value = await planned.mapping.evaluate(record.value);
      return undefined;
    case "filter":
      return (await planned.condition.evaluate(record.value)) ? undefined : "filtered";
    case "approval":
      return requestApproval(record, planned);
    case "lookup":
      await lookup(record, planned);
      return undefined;
    case "send":
      await send(record, planned);
      return undefined;
    case "notify":
      await notify(record, planned);
      return undefined;
  }
}

/** A lookup step: reads the first batch the connector answers and puts it at `into`. */
async function lookup(record: RecordInFlight, planned: PlannedLookup): Promise<void> {
  const { step, target } = planned;
  const request = planned.request ? await planned.request.evaluate(record.value) : record.value;
  const found = await callConnector(record, planned, async (context) => {
    const records: unknown[] = [];
    for await (const batch of target.connector.read!(target.config, context, {
      request,
      ...(step.operation ? { operation: step.operation } : {}),
    })) {
      records.push(...batch.records);
      break;
    }
    return records.length <= 1 ? records[0] : records;
  });
  record.value = { ...(record.value as Record<string, unknown>), [step.into]: found };
}

/** A notify step: the template over the record and the run, written to the channel (not in a dry run). */
async function notify(record: RecordInFlight, planned: PlannedNotify): Promise<void> {
  const { ctx, key } = record;
  const message = await planned.template.evaluate({ record: record.value, run: ctx.run });
  if (ctx.run.dryRun) return;
  await callConnector(record, planned, (context) =>
    planned.target.connector.write!(planned.target.config, message, {
      ...context,
      ...(key === undefined ? {} : { idempotencyKey: `${key}:${planned.step.id}` }),
    }),
  );
}
