/**
 * Stable error codes of the mapping engine. The same shape as core's `SynapseError`
 * (`code`, `message`, `path`, `cause`) so hosts can handle both alike.
 */
export const MappingErrorCode = {
  SYNTAX: "MAPPING_SYNTAX",
  RUNTIME: "MAPPING_RUNTIME",
  TIMEOUT: "MAPPING_TIMEOUT",
  DEPTH: "MAPPING_DEPTH",
  SEQUENCE_TOO_LONG: "MAPPING_SEQUENCE_TOO_LONG",
  OUTPUT_TOO_LARGE: "MAPPING_OUTPUT_TOO_LARGE",
  OUTPUT_INVALID: "MAPPING_OUTPUT_INVALID",
  RULE_INVALID: "MAPPING_RULE_INVALID",
  ABORTED: "MAPPING_ABORTED",
  /** A regular expression too large to compile (over 2000 characters, or RE2 refuses its size). */
  REGEX_UNSAFE: "MAPPING_REGEX_UNSAFE",
  /** A regular expression the linear-time engine cannot run (backreferences, lookaround). */
  REGEX_UNSUPPORTED: "MAPPING_REGEX_UNSUPPORTED",
  /** An option passed to the engine is out of range (a limit of 0, a negative timeout). */
  OPTIONS_INVALID: "MAPPING_OPTIONS_INVALID",
} as const;

/** One of the values of {@link MappingErrorCode}. */
export type MappingErrorCode = (typeof MappingErrorCode)[keyof typeof MappingErrorCode];

/** Options of {@link MappingError}. */
export interface MappingErrorOptions {
  /** Where the problem is: a rule path (`/rules/3/transforms/0`) or a JSON pointer. */
  path?: string;
  /** The JSONata error code (`S0201`, `T2001`, …) when the reference engine raised one. */
  jsonataCode?: string;
  /** Character offset in the expression source, for syntax and runtime errors. */
  position?: number;
  /** The token the error points at, when known. */
  token?: string;
  /** The underlying error. */
  cause?: unknown;
}

/** The error every mapping-engine failure is reported as. */
export class MappingError extends Error {
  override readonly name = "MappingError";
  readonly code: MappingErrorCode;
  readonly path: string | undefined;
  readonly jsonataCode: string | undefined;
  readonly position: number | undefined;
  readonly token: string | undefined;

  constructor(code: MappingErrorCode, message: string, options: MappingErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = options.path;
    this.jsonataCode = options.jsonataCode;
    this.position = options.position;
    this.token = options.token;
  }
}
