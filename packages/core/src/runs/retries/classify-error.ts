import { MappingError } from "@synapseops/mapping";
import { ConnectorError, isRetryableNetworkError } from "../../connector-error";
import { ErrorCode, SynapseError } from "../../errors";
import type { StoredError } from "../../model/run";

/** What the executor needs to know of a failure. */
export interface ClassifiedFailure {
  retryable: boolean;
  retryAfterMs?: number | undefined;
  code: string;
  message: string;
  path?: string | undefined;
}

/**
 * Classifies anything thrown by a step. Connectors say themselves whether a failure is
 * retryable; raw network errors are; mapping, validation and unknown errors are not, since
 * retrying a deterministic failure (or one we do not understand) only repeats it.
 */
export function classifyFailure(error: unknown): ClassifiedFailure {
  if (error instanceof ConnectorError) {
    return {
      retryable: error.retryable,
      retryAfterMs: error.retryAfterMs,
      code: error.code,
      message: error.message,
      path: error.path,
    };
  }
  if (error instanceof MappingError || error instanceof SynapseError) {
    return { retryable: false, code: error.code, message: error.message, path: error.path };
  }
  const message = error instanceof Error ? error.message : String(error);
  if (isRetryableNetworkError(error)) return { retryable: true, code: ErrorCode.CONNECTOR_FAILED, message };
  return { retryable: false, code: ErrorCode.INTERNAL, message };
}

/** The storable form of a failure: code and message only, never the raw object. */
export function storedError(failure: ClassifiedFailure): StoredError {
  return {
    code: failure.code,
    message: failure.message,
    retryable: failure.retryable,
    ...(failure.path === undefined ? {} : { path: failure.path }),
  };
}
