import type { NewRunBatch, Store } from "../../store/types";

/** Batches written to the store per statement, so one statement stays small. */
const BATCHES_PER_WRITE = 100;

/** A batch written for a run, as its queue job names it. */
export interface WrittenBatch {
  index: number;
  attempts: number;
  /** The limit keys all its records share, for key-aware admission of its job. */
  admission?: string[];
}

/** The limit keys a batch's records share (limits/key-admission.ts `sharedKeys`), if any. */
export type AdmissionKeysOf = (records: readonly unknown[]) => Promise<string[] | undefined>;

/** The batch as its job names it, with its records' shared keys when there are some. */
async function written(batch: NewRunBatch, admissionOf: AdmissionKeysOf | undefined): Promise<WrittenBatch> {
  const admission = await admissionOf?.(batch.records);
  return { index: batch.index, attempts: 0, ...(admission === undefined ? {} : { admission }) };
}

/** Splits records into batches of `size`. */
export function toBatches(records: readonly unknown[], size: number, firstIndex = 0): NewRunBatch[] {
  const batches: NewRunBatch[] = [];
  for (let start = 0; start < records.length; start += size) {
    batches.push({
      index: firstIndex + batches.length,
      firstPosition: start,
      records: records.slice(start, start + size),
    });
  }
  return batches;
}

/** Writes a durable run's records as batches of `batchSize`, 100 batches per statement. */
export async function writeBatches(
  store: Store,
  runId: string,
  records: readonly unknown[],
  batchSize: number,
  admissionOf?: AdmissionKeysOf,
): Promise<WrittenBatch[]> {
  const all = toBatches(records, batchSize);
  for (let start = 0; start < all.length; start += BATCHES_PER_WRITE) {
    await store.insertRunBatches(runId, all.slice(start, start + BATCHES_PER_WRITE));
  }
  const batches: WrittenBatch[] = [];
  for (const batch of all) batches.push(await written(batch, admissionOf));
  return batches;
}

/**
 * Reads an async iterable into batches and writes them 100 at a time (backpressure: the next
 * records are read only after the store took the previous slice).
 * @returns the record count and the batches written.
 */
export async function writeStreamedBatches(
  store: Store,
  runId: string,
  records: AsyncIterable<unknown>,
  batchSize: number,
  admissionOf?: AdmissionKeysOf,
): Promise<{ total: number; batches: WrittenBatch[] }> {
  const done: WrittenBatch[] = [];
  let total = 0;
  let slice: NewRunBatch[] = [];
  let current: unknown[] = [];
  const close = (): void => {
    if (current.length === 0) return;
    slice.push({ index: done.length + slice.length, firstPosition: total, records: current });
    total += current.length;
    current = [];
  };
  const write = async (): Promise<void> => {
    if (slice.length === 0) return;
    await store.insertRunBatches(runId, slice);
    for (const batch of slice) done.push(await written(batch, admissionOf));
    slice = [];
  };
  for await (const record of records) {
    current.push(record);
    if (current.length >= batchSize) close();
    if (slice.length >= BATCHES_PER_WRITE) await write();
  }
  close();
  await write();
  return { total, batches: done };
}
