import { z } from "zod";
import { Id, Timestamp } from "./common";
import { StoredError } from "./run";

/** A record that exhausted its retries; replayable. */
export const DeadLetter = z.object({
  id: Id,
  runId: Id,
  blueprintId: Id,
  step: z.string(),
  recordKey: z.string().optional(),
  /**
   * The record as it entered the failing step (credential keys hidden; encrypted at rest with a
   * payload codec). `null` once retention purged it (see `recordPurgedAt`).
   */
  record: z.unknown(),
  /** When retention removed the record: a purged dead letter cannot be replayed. */
  recordPurgedAt: Timestamp.optional(),
  error: StoredError,
  attempts: z.int().min(1),
  createdAt: Timestamp,
  replayedAt: Timestamp.optional(),
  replayRunId: Id.optional(),
});
/** A record that exhausted its retries. */
export type DeadLetter = z.infer<typeof DeadLetter>;
