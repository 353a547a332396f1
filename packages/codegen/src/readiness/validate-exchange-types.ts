import type { Annotation, ConformanceProblem, MatchedAnnotation, OpenApiDocument } from "@synapseops/core";

/** Header names to values, as a plain object (any case) or a `Headers`. */
export type ExchangeHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** The request to check, as a playground holds it while the user types. */
export interface ExchangeRequest {
  /** `GET`, `post`… (any case). */
  method: string;
  /**
   * The path with its query string (`/v1/payment_intents?expand[]=customer`), or a full URL. The
   * path of a server URL of the document (`/v1`) may be included or left out.
   */
  path: string;
  headers?: ExchangeHeaders;
  /**
   * The body: a parsed value (object, array…) or its text. Text is parsed by the content type
   * (JSON, urlencoded form); form values are coerced to the schema's types (`"2000"` → 2000).
   */
  body?: unknown;
}

/** The response to check against the operation's documented responses. */
export interface ExchangeResponse {
  status: number;
  headers?: ExchangeHeaders;
  /** A parsed value or its text (JSON text is parsed). */
  body?: unknown;
}

/** The operation an exchange matched. */
export interface MatchedOperation {
  /** `operationId` (synthesised by the loader when the document has none). */
  id: string;
  /** Lower-case method and the path template: `post`, `/v1/payment_intents/{intent}`. */
  method: string;
  path: string;
  /** JSON pointer to the operation in the document: `#/paths/~1v1~1payment_intents/post`. */
  pointer: string;
  /** Path parameter values taken from the request path. */
  pathParams: Record<string, string>;
}

/** What {@link validateExchange} found. */
export interface ExchangeValidation {
  /** No problem found. */
  ok: boolean;
  /** Absent when no operation of the document serves the method and path (a problem says so). */
  operation?: MatchedOperation;
  /**
   * Every problem, each with `pointer` into the exchange (`/request/body/amount`,
   * `/response/headers/retry-after`) and, when there is one, `documentPointer` to the rule.
   */
  problems: ConformanceProblem[];
  /** The document's or caller's annotations for the operation whose conditions held. */
  annotations: MatchedAnnotation[];
}

/** Options of {@link createExchangeValidator}. */
export interface ExchangeValidatorOptions {
  /**
   * Vendor annotations. Those targeting `operation:<operationId>` of the matched operation apply
   * when their JSONata condition over `{ request, response, record }` holds (`record` is the
   * request body); a condition that fails to evaluate does not apply.
   * @default []
   */
  annotations?: readonly Annotation[];
  /**
   * Check that the operation's security requirements have credentials in the request.
   * @default true
   */
  checkSecurity?: boolean;
}

/** A validator prepared for one document; reuse it for every keystroke. */
export interface ExchangeValidator {
  readonly document: OpenApiDocument;
  /** Checks a request and, when given, its response. Never throws for bad input. */
  validate(request: ExchangeRequest, response?: ExchangeResponse): Promise<ExchangeValidation>;
}
