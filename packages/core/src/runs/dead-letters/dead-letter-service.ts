import { NotFoundError, ValidationError } from "../../errors";
import type { DeadLetter } from "../../model/dead-letter";
import type { Run } from "../../model/run";
import type { DeadLetterFilter, Store } from "../../store/types";
import type { CreateRunOptions } from "../create/create-run";
import type { DeadLetterService } from "../types";

/** What the dead-letter API needs. */
export interface DeadLetterServiceDeps {
  store: Store;
  clock: () => Date;
  /** Creates a run (`createRun` bound to its deps). */
  createRun: (blueprintId: string, records: unknown[], options: CreateRunOptions) => Promise<Run>;
}

/** Dead letters: listing them, and replaying a selection as a new run of their records. */
export function deadLetterService(deps: DeadLetterServiceDeps): DeadLetterService {
  const { store } = deps;
  const get = async (id: string): Promise<DeadLetter> => {
    const found = await store.getDeadLetter(id);
    if (found === undefined) throw new NotFoundError("dead letter", id);
    return found;
  };
  return {
    list: (filter) => store.listDeadLetters(filter),
    get,
    async replay(selection) {
      const chosen: DeadLetter[] = [];
      if (Array.isArray(selection)) {
        for (const id of selection as readonly string[]) chosen.push(await get(id));
      } else chosen.push(...(await allMatching(store, selection as DeadLetterFilter)));
      checkReplayable(chosen);
      const run = await deps.createRun(
        chosen[0]!.blueprintId,
        chosen.map((dl) => dl.record),
        {
          trigger: { kind: "replay", detail: chosen.map((dl) => dl.id).join(",") },
          replayOf: chosen[0]!.runId,
        },
      );
      await store.markDeadLettersReplayed(
        chosen.map((dl) => dl.id),
        run.id,
        deps.clock(),
      );
      return run;
    },
  };
}

/** Every dead letter the filter matches, page by page. */
async function allMatching(store: Store, filter: DeadLetterFilter): Promise<DeadLetter[]> {
  const chosen: DeadLetter[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listDeadLetters({ ...filter, limit: 500, ...(cursor ? { cursor } : {}) });
    chosen.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return chosen;
}

/** A replay takes dead letters of one blueprint, each not replayed yet and with its record kept. */
function checkReplayable(chosen: readonly DeadLetter[]): void {
  if (chosen.length === 0) throw new ValidationError("no dead letters match the selection", { path: "" });
  if (new Set(chosen.map((dl) => dl.blueprintId)).size > 1)
    throw new ValidationError("a replay takes dead letters of one blueprint", { path: "" });
  const replayed = chosen.find((dl) => dl.replayedAt !== undefined);
  if (replayed)
    throw new ValidationError(
      `dead letter "${replayed.id}" was already replayed by run "${replayed.replayRunId}"`,
      { path: "" },
    );
  const purged = chosen.find((dl) => dl.recordPurgedAt !== undefined);
  if (purged)
    throw new ValidationError(
      `dead letter "${purged.id}" has no record to replay: retention purged it at ${purged.recordPurgedAt}`,
      { path: "" },
    );
}
