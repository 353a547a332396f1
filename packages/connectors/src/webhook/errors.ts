import { ErrorCode, SynapseError, type SynapseErrorOptions } from "@synapseops/core";

/** Why a webhook delivery was refused. */
export type WebhookFailureReason =
  /** A header the scheme needs is absent. */
  | "missing_header"
  /** A header is present but not in the scheme's format. */
  | "malformed_header"
  /** No signature matches (wrong secret, altered body or headers). */
  | "bad_signature"
  /** The signed timestamp is outside the tolerance (a stale or replayed delivery, or a skewed clock). */
  | "timestamp_out_of_tolerance"
  /** The body is larger than the receiver accepts. */
  | "body_too_large"
  /** The body is not what its content type says (JSON that does not parse). */
  | "malformed_body"
  /** This delivery id was processed already (only with `onDuplicate: "reject"`). */
  | "replayed"
  /** This delivery id was used before with a different body. */
  | "id_reused"
  /** The same delivery is being processed right now; the sender should retry later. */
  | "in_progress";

const STATUS: Record<WebhookFailureReason, number> = {
  missing_header: 400,
  malformed_header: 400,
  bad_signature: 401,
  timestamp_out_of_tolerance: 401,
  body_too_large: 413,
  malformed_body: 400,
  replayed: 409,
  id_reused: 409,
  in_progress: 409,
};

/**
 * A webhook delivery that was refused. `reason` says why, `httpStatus` is what an adapter answers.
 *
 * @example
 * ```ts
 * catch (error) { if (error instanceof WebhookVerificationError && error.reason === "bad_signature") … }
 * ```
 */
export class WebhookVerificationError extends SynapseError {
  override name = "WebhookVerificationError";
  readonly reason: WebhookFailureReason;
  readonly httpStatus: number;

  constructor(reason: WebhookFailureReason, message: string, options: SynapseErrorOptions = {}) {
    const conflict = reason === "replayed" || reason === "id_reused" || reason === "in_progress";
    super(conflict ? ErrorCode.CONFLICT : ErrorCode.INVALID_INPUT, message, options);
    this.reason = reason;
    this.httpStatus = STATUS[reason];
  }
}
