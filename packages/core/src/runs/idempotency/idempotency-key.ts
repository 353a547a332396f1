import { ErrorCode, ValidationError } from "../../errors";
import { contentHash } from "../../json";
import type { IdempotencyClaimResult } from "../../store/types";
import type { RunPlan } from "../plan/run-plan";

// What a record's idempotency key is: computed from the record (or given by the caller), of
// bounded length, held by one owner, claimed with a hash of the record. Claiming is claim-key.ts.

/** A record's key and what claiming it found, decided before the record started. */
export interface KeyClaim {
  key: string;
  result: IdempotencyClaimResult;
}

/** The longest key the stores take (`IdempotencyKey` of the model). */
const MAX_KEY_LENGTH = 255;

/**
 * Refuses a key the stores cannot hold: empty or longer than 255 characters. `subject` names
 * the key in the message (`idempotencyKey`, `idempotency key of record 3`).
 * @throws ValidationError with code `IDEMPOTENCY_KEY_INVALID`, path `/idempotencyKey`.
 */
export function checkIdempotencyKeyLength(key: string, subject: string): void {
  if (key.length > 0 && key.length <= MAX_KEY_LENGTH) return;
  throw new ValidationError(`${subject} has ${key.length} characters (1 to ${MAX_KEY_LENGTH} allowed)`, {
    code: ErrorCode.IDEMPOTENCY_KEY_INVALID,
    path: "/idempotencyKey",
  });
}

/**
 * Who holds a record's idempotency key: the run and the record's position, so the same record
 * resumed by any worker (after an approval or a crash) is the same owner, while other runs and
 * other records with the same key are not.
 */
export function keyOwner(runId: string, position: number): string {
  return `${runId}/${position}`;
}

/** The record's idempotency key: the caller's, or the blueprint's key expression over the record. */
export async function recordIdempotencyKey(
  plan: Pick<RunPlan, "keyExpression">,
  start: { record: unknown; callerKey?: string | undefined; position: number },
): Promise<string | undefined> {
  let key: unknown = start.callerKey;
  if (key === undefined && plan.keyExpression !== undefined)
    key = await plan.keyExpression.evaluate(start.record);
  if (key === undefined || key === null) return undefined;
  const text = typeof key === "string" ? key : JSON.stringify(key);
  // The record's subject is named only for a key refused: not a new text per record (issue 21).
  if (text.length === 0 || text.length > MAX_KEY_LENGTH)
    checkIdempotencyKeyLength(text, `idempotency key of record ${start.position}`);
  return text;
}

/** The hash a key's record is claimed with: a different payload under the same key is a conflict. */
export const payloadHashOf = (record: unknown): string => contentHash(record ?? null);
