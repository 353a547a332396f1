import type { DeadLetter } from "../model/dead-letter";
import type { IdempotencyRecord } from "../model/idempotency";
import type { NewRunEvent, RunEvent } from "../model/run";
import { encryptedParkedRecords } from "./encrypted-parked";
import { encryptedScheduleRecords } from "./encrypted-schedules";
import type { PayloadCodec } from "./payload-codec";
import {
  type IdempotencyOutcome,
  type ParkedRecordStore,
  RUN_EVENT_PAYLOAD,
  type RunStore,
  type ScheduleStore,
  type Store,
  type TransactionalIdempotency,
} from "./types";

/**
 * A store whose payloads pass through a codec on their way in and out: run batches' records,
 * idempotency records' results, dead letters' records, run events' `RUN_EVENT_PAYLOAD` (an
 * approval wait's record), the records of schedules' `start` actions and parked records' values
 * are written in their
 * at-rest form (ciphertext with {@link aesGcmPayloadCodec}) and read back as values. Everything else —
 * ids, states, leases, counts, the rest of events, errors — is the wrapped store's, unchanged, so any
 * `Store` (memory, PostgreSQL, a host's own) works. `createRuntime({ payloadCodec })` wraps its
 * store with this; a host calling the store itself can wrap it too.
 * @example
 * ```ts
 * const store = withPayloadCodec(postgresStore({ pool }), aesGcmPayloadCodec({ keys: envKeyProvider() }));
 * ```
 */
export function withPayloadCodec<S extends Store>(store: S, codec: PayloadCodec): S {
  const encodeResult = async <O extends IdempotencyOutcome>(outcome: O): Promise<O> =>
    outcome.result === undefined ? outcome : { ...outcome, result: await codec.encode(outcome.result) };
  const decodeRecord = async (record: IdempotencyRecord): Promise<IdempotencyRecord> =>
    record.result === undefined ? record : { ...record, result: await codec.decode(record.result) };
  const decodeDeadLetter = async (deadLetter: DeadLetter): Promise<DeadLetter> => ({
    ...deadLetter,
    record: await codec.decode(deadLetter.record),
  });

  const encodeEvent = async (event: NewRunEvent): Promise<NewRunEvent> =>
    Object.hasOwn(event.data, RUN_EVENT_PAYLOAD)
      ? {
          ...event,
          data: { ...event.data, [RUN_EVENT_PAYLOAD]: await codec.encode(event.data[RUN_EVENT_PAYLOAD]) },
        }
      : event;
  const decodeEvent = async (event: RunEvent): Promise<RunEvent> =>
    Object.hasOwn(event.data, RUN_EVENT_PAYLOAD)
      ? {
          ...event,
          data: { ...event.data, [RUN_EVENT_PAYLOAD]: await codec.decode(event.data[RUN_EVENT_PAYLOAD]) },
        }
      : event;

  const overrides: Partial<RunStore> = {
    async appendRunEvents(runId, events) {
      const stored = await store.appendRunEvents(runId, await Promise.all(events.map(encodeEvent)));
      return Promise.all(stored.map(decodeEvent));
    },
    async listRunEvents(runId, filter) {
      return Promise.all((await store.listRunEvents(runId, filter)).map(decodeEvent));
    },
    async insertRunBatches(runId, batches) {
      const encoded = await Promise.all(
        batches.map(async (batch) => ({
          ...batch,
          records: await Promise.all(batch.records.map((record) => codec.encode(record))),
        })),
      );
      return store.insertRunBatches(runId, encoded);
    },
    async claimRunBatch(request) {
      const batch = await store.claimRunBatch(request);
      if (batch === undefined) return undefined;
      return { ...batch, records: await Promise.all(batch.records.map((record) => codec.decode(record))) };
    },
    async claimIdempotencyKey(claim) {
      const found = await store.claimIdempotencyKey(claim);
      return { ...found, record: await decodeRecord(found.record) };
    },
    async completeIdempotencyKey(outcome) {
      await store.completeIdempotencyKey(await encodeResult(outcome));
    },
    async failIdempotencyKey(outcome) {
      await store.failIdempotencyKey(await encodeResult(outcome));
    },
    async getIdempotencyRecord(scope, key) {
      const record = await store.getIdempotencyRecord(scope, key);
      return record === undefined ? undefined : decodeRecord(record);
    },
    async insertDeadLetter(deadLetter) {
      return store.insertDeadLetter({ ...deadLetter, record: await codec.encode(deadLetter.record) });
    },
    async getDeadLetter(id) {
      const deadLetter = await store.getDeadLetter(id);
      return deadLetter === undefined ? undefined : decodeDeadLetter(deadLetter);
    },
    async listDeadLetters(filter) {
      const page = await store.listDeadLetters(filter);
      return { ...page, items: await Promise.all(page.items.map(decodeDeadLetter)) };
    },
  };
  const transactional = store.transactionalIdempotency;
  const wrappedTransactional: TransactionalIdempotency | undefined =
    transactional === undefined
      ? undefined
      : {
          engine: transactional.engine,
          sameDatabase: (client) => transactional.sameDatabase(client),
          completeIdempotencyKeyWith: async (client, outcome) =>
            transactional.completeIdempotencyKeyWith(client, await encodeResult(outcome)),
        };

  const scheduleOverrides = encryptedScheduleRecords(store, codec);
  const parkedOverrides = encryptedParkedRecords(store, codec);

  // A proxy, so members a store adds beyond the port (`migrate`, `schema`…) stay reachable.
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === "transactionalIdempotency") return wrappedTransactional;
      // Its writes bypass the codec: runs through this wrapper take the batch path.
      if (property === "oneRecordRuns") return undefined;
      if (typeof property === "string" && Object.hasOwn(overrides, property)) {
        return overrides[property as keyof RunStore];
      }
      if (typeof property === "string" && Object.hasOwn(scheduleOverrides, property)) {
        return scheduleOverrides[property as keyof ScheduleStore];
      }
      if (typeof property === "string" && Object.hasOwn(parkedOverrides, property)) {
        return parkedOverrides[property as keyof ParkedRecordStore];
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
