import { z } from "zod";
import { Timestamp } from "./common";
import { StoredError } from "./run";

/** The state of an idempotency key. */
export const IdempotencyState = z.enum(["IN_PROGRESS", "COMPLETED", "FAILED"]);
/** The state of an idempotency key. */
export type IdempotencyState = z.infer<typeof IdempotencyState>;

/** An idempotency key: longer keys are rejected, as the IETF Idempotency-Key draft advises bounding them. */
export const IdempotencyKey = z.string().min(1).max(255);

/** The outcome of one idempotency key. */
export const IdempotencyRecord = z.object({
  /** What the key is unique within (a blueprint and step, a webhook source…). */
  scope: z.string().min(1).max(255),
  key: IdempotencyKey,
  /** Hash of the payload first seen with this key; a different payload is a conflict. */
  payloadHash: z.string(),
  state: IdempotencyState,
  result: z.unknown().optional(),
  error: StoredError.optional(),
  leaseOwner: z.string().optional(),
  /** Who completed or failed it: tells a record's own earlier attempt from another execution. */
  finishedBy: z.string().optional(),
  leaseExpiresAt: Timestamp.optional(),
  /** After this the record is forgotten and the key may be used afresh. */
  expiresAt: Timestamp,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
/** The outcome of one idempotency key. */
export type IdempotencyRecord = z.infer<typeof IdempotencyRecord>;
