import { ErrorCode, type SynapseErrorOptions, ValidationError } from "../errors";

/** Where in a source file a problem is. */
export interface SourceLocation {
  /** The file, when the document (or the part of it) came from one. */
  file?: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

/**
 * An OpenAPI document that cannot be loaded: unreadable, unparsable, not OpenAPI, or with a `$ref`
 * that does not resolve. `path` is a JSON pointer into the document; `location` the line in the
 * file when the input was a file or text.
 *
 * @example
 * ```ts
 * try { await loadOpenApi("api.yaml"); }
 * catch (error) { if (error instanceof OpenApiError) console.error(error.message); } // api.yaml:12:7 /paths/…: …
 * ```
 */
export class OpenApiError extends ValidationError {
  override name = "OpenApiError";
  readonly location: SourceLocation | undefined;
  constructor(message: string, options: SynapseErrorOptions & { location?: SourceLocation } = {}) {
    const where = options.location
      ? `${options.location.file ?? "<input>"}:${options.location.line}:${options.location.column} `
      : "";
    const pointer = options.path !== undefined ? `${options.path || "/"}: ` : "";
    super(`openapi ${where}${pointer}${message}`, { ...options, code: ErrorCode.INVALID_INPUT });
    this.location = options.location;
  }
}
