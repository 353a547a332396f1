import { ErrorCode, SynapseError } from "../../errors";

/** The error a cancelled wait or call ends with. */
export class CancelledError extends SynapseError {
  override name = "CancelledError";
  constructor(reason = "the run was cancelled") {
    super(ErrorCode.CANCELLED, reason);
  }
}
