import { NotFoundError, ValidationError } from "../../errors";
import { checkStoreInt } from "../../input-guard";
import type { RunEvent } from "../../model/run";
import { type Page, RUN_EVENT_PAYLOAD, type Store } from "../../store/types";
import type { RunEventPageRequest } from "../types";

/** Events per page unless the caller says. */
const DEFAULT_LIMIT = 100;

/**
 * One page of a run's log, in order, without the payloads events keep for the runtime.
 * `nextCursor` is there when more events follow.
 * @throws ValidationError for a cursor that is not a `nextCursor`; NotFoundError for no such run.
 */
export async function runEventsPage(
  store: Store,
  id: string,
  request: RunEventPageRequest,
): Promise<Page<RunEvent>> {
  const { cursor, ...filter } = request;
  // A cursor is the `seq` of the page's last event: the same as `after`.
  if (cursor !== undefined) filter.after = parseEventCursor(cursor);
  // issue 16: `after` is compared with an `integer` column.
  checkStoreInt(filter.after, "after", "/after");
  if ((await store.getRun(id)) === undefined) throw new NotFoundError("run", id);
  const limit = filter.limit ?? DEFAULT_LIMIT;
  // An event's payload is a run payload (an approval wait's record): never shown.
  const items = (await store.listRunEvents(id, { ...filter, limit })).map(withoutPayload);
  const last = items.at(-1);
  if (last === undefined || items.length < limit) return { items };
  // issue 18: a full page says nothing about the next one: look for one more event.
  const more = await store.listRunEvents(id, { ...filter, after: last.seq, limit: 1 });
  return more.length === 0 ? { items } : { items, nextCursor: String(last.seq) };
}

function parseEventCursor(cursor: string): number {
  const seq = /^\d{1,15}$/.test(cursor) ? Number(cursor) : Number.NaN;
  if (!Number.isSafeInteger(seq)) {
    throw new ValidationError(
      `event cursor must be a nextCursor from runs.events, got "${cursor.slice(0, 40)}"`,
      {
        path: "/cursor",
      },
    );
  }
  return seq;
}

function withoutPayload(event: RunEvent): RunEvent {
  if (!Object.hasOwn(event.data, RUN_EVENT_PAYLOAD)) return event;
  const { [RUN_EVENT_PAYLOAD]: _payload, ...data } = event.data;
  return { ...event, data };
}
