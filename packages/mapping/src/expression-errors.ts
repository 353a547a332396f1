import { MappingError, MappingErrorCode } from "./errors";

/** The fields of an error object thrown by the JSONata reference engine. */
interface JsonataFailure {
  code?: string;
  position?: number;
  token?: string;
  message?: string;
}

function isJsonataFailure(error: unknown): error is JsonataFailure {
  return typeof error === "object" && error !== null && typeof (error as JsonataFailure).code === "string";
}

/** JSONata codes that are our guards firing rather than the expression being wrong. */
const GUARD_CODES: Record<string, MappingErrorCode> = {
  D1012: MappingErrorCode.TIMEOUT,
  D1011: MappingErrorCode.DEPTH,
  U1001: MappingErrorCode.DEPTH,
  D2015: MappingErrorCode.SEQUENCE_TOO_LONG,
  D2014: MappingErrorCode.SEQUENCE_TOO_LONG,
};

function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

function where(position: number | undefined, token: string | undefined): string {
  const at = position === undefined ? "" : ` at position ${position}`;
  return token === undefined ? at : `${at} near "${token}"`;
}

/** Turns whatever compiling an expression threw into `MAPPING_SYNTAX` (or `MAPPING_DEPTH`). */
export function toSyntaxError(error: unknown, path: string | undefined): MappingError {
  if (error instanceof MappingError) return error;
  if (isStackOverflow(error)) {
    return new MappingError(MappingErrorCode.DEPTH, "expression nests too deeply to parse", {
      path,
      cause: error,
    });
  }
  const failure = isJsonataFailure(error) ? error : { message: String(error) };
  return new MappingError(
    MappingErrorCode.SYNTAX,
    `expression syntax error${where(failure.position, failure.token)}: ${failure.message ?? "unknown"}`,
    {
      path,
      jsonataCode: failure.code,
      position: failure.position,
      token: failure.token,
      cause: error,
    },
  );
}

/** Turns whatever an evaluation threw into a `MappingError` with the JSONata code kept. */
export function toRuntimeError(error: unknown, path: string | undefined): MappingError {
  if (error instanceof MappingError) {
    if (error.path !== undefined || path === undefined) return error;
    return new MappingError(error.code, error.message, {
      path,
      jsonataCode: error.jsonataCode,
      position: error.position,
      token: error.token,
      cause: error.cause,
    });
  }
  if (isStackOverflow(error)) {
    return new MappingError(MappingErrorCode.DEPTH, "expression recursed too deeply (host stack exhausted)", {
      path,
      cause: error,
    });
  }
  if (error instanceof RangeError && /string length|array length/i.test(error.message)) {
    return new MappingError(
      MappingErrorCode.OUTPUT_TOO_LARGE,
      `expression built a value too large: ${error.message}`,
      {
        path,
        cause: error,
      },
    );
  }
  if (!isJsonataFailure(error)) {
    return new MappingError(MappingErrorCode.RUNTIME, `expression failed: ${String(error)}`, {
      path,
      cause: error,
    });
  }
  let code = GUARD_CODES[error.code ?? ""] ?? MappingErrorCode.RUNTIME;
  // `$eval` wraps what its inner expression threw (D3120/D3121); a guard firing in there is
  // still that guard.
  const inner = (error as { error?: unknown }).error;
  if (inner instanceof MappingError) code = inner.code;
  else if (isJsonataFailure(inner)) code = GUARD_CODES[inner.code ?? ""] ?? code;
  return new MappingError(
    code,
    `expression failed${where(error.position, error.token)}: ${error.message ?? error.code}`,
    { path, jsonataCode: error.code, position: error.position, token: error.token, cause: error },
  );
}
