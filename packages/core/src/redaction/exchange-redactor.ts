import { redactFormString, redactUrlParts } from "./_url";
import { escapeRegExp, normaliseKey, SENSITIVE_KEYS } from "./credential-rules";
import {
  applyTextDetector,
  isCardNumber,
  redactionMarker,
  TEXT_DETECTORS,
  type TextDetectorName,
} from "./detectors";
import { type PathSegment, parseRedactionPath, segmentMatches } from "./json-path";

/**
 * A detector of the exchange redactor: the five text detectors, plus `credentials` — headers,
 * query parameters and body keys whose names say they hold a credential (`Authorization`,
 * `Cookie`, `X-Api-Key`, `client_secret`, `*_token`…).
 */
export type ExchangeDetectorName = TextDetectorName | "credentials";

/** What {@link createExchangeRedactor} hides beyond its detectors. */
export interface ExchangeRedactionOptions {
  /**
   * Header names whose values are always hidden (`[REDACTED:field]`), case-insensitive. The
   * credential headers (`Authorization`, `Cookie`, `X-Api-Key`…) are hidden without listing.
   * @example ["x-customer-id"]
   */
  headers?: readonly string[];
  /**
   * Query parameter (and form field) names whose values are always hidden, case-insensitive.
   * @example ["ssn", "dob"]
   */
  queryParams?: readonly string[];
  /**
   * Body keys whose values are hidden at any depth, compared like the run-log redactor's keys
   * (case-insensitive, ignoring `-`, `_` and spaces).
   * @example ["dateOfBirth", "taxId"]
   */
  keys?: readonly string[];
  /**
   * Paths into request and response bodies whose values are hidden: `$` then `.name`,
   * `['name']`, `[3]` and `*` / `[*]` (see {@link parseRedactionPath}).
   * @example ["$.customer.name", "$.items[*].shipTo"]
   */
  paths?: readonly string[];
  /** Secret values known up front (API keys, passwords); hidden wherever they appear, any case. */
  secrets?: readonly string[];
  /**
   * Switches detectors off; every detector is on unless set to `false`.
   * @default { email: true, card: true, iban: true, phone: true, token: true, credentials: true }
   * @example { phone: false }
   */
  detectors?: Partial<Record<ExchangeDetectorName, boolean>>;
}

/** Header names to values, as exchanges carry them. */
export type ExchangeHeaders = Record<string, string>;

/** The request half of an exchange to redact. */
export interface ExchangeRequestToRedact {
  method: string;
  url: string;
  headers?: ExchangeHeaders;
  /** Parsed JSON, a text, or absent. */
  body?: unknown;
}

/** The response half of an exchange to redact. */
export interface ExchangeResponseToRedact {
  status: number;
  headers?: ExchangeHeaders;
  body?: unknown;
}

/** An HTTP exchange: a request, its response when there was one, and an error message when not. */
export interface ExchangeToRedact {
  request: ExchangeRequestToRedact;
  response?: ExchangeResponseToRedact | undefined;
  error?: string | undefined;
}

/** Hides personal data and credentials in HTTP exchanges; built by {@link createExchangeRedactor}. */
export interface ExchangeRedactor {
  /**
   * A redacted copy of an exchange: URL (user-info, path segments, query), headers, bodies
   * (JSON at any depth, text, forms) and the error message. Other fields are copied as they are.
   */
  redact<T extends ExchangeToRedact>(exchange: T): T;
  /** A redacted copy of a body: parsed JSON, or a text (`contentType` says whether it is a form). */
  redactBody(body: unknown, contentType?: string): unknown;
  /** Hides secrets, credentials and the detectors' findings in one text. */
  redactText(text: string): string;
  /** A redacted copy of a URL. */
  redactUrl(url: string): string;
  /** A redacted copy of a header map. */
  redactHeaders(headers: ExchangeHeaders): ExchangeHeaders;
}

/** Names that end like a credential (`stripe_secret`, `x-auth-token`, `sessionId`), beyond the exact list. */
const CREDENTIAL_SUFFIX = /(?:token|secret|apikey|password|passwd|sessionid|privatekey|credentials?)$/;
const SENSITIVE = new Set(SENSITIVE_KEYS);

/** Whether a header, parameter or key name says its value is a credential. */
export function isCredentialName(name: string): boolean {
  const normalised = normaliseKey(name);
  return SENSITIVE.has(normalised) || CREDENTIAL_SUFFIX.test(normalised);
}

const FIELD = redactionMarker("field");
const SECRET = redactionMarker("secret");

/**
 * Builds a redactor for HTTP exchanges — what traces and golden-suite results store. Every text
 * anywhere in the exchange (header values, URL parts, JSON strings at any depth, text and error
 * bodies) goes through the detectors; names the host lists (headers, query parameters, keys,
 * paths) are hidden whole. Each finding becomes `[REDACTED:<kind>]`: `email`, `card`, `iban`,
 * `phone`, `token`, `secret` (credential names, known secret values) or `field` (the host's lists).
 *
 * @throws ValidationError (`INVALID_INPUT`) for a path that does not parse, with its index.
 * @example
 * ```ts
 * const redactor = createExchangeRedactor({ paths: ["$.customer.name"], detectors: { phone: false } });
 * const safe = redactor.redact({ request: { method: "POST", url, headers, body }, response });
 * ```
 */
export function createExchangeRedactor(options: ExchangeRedactionOptions = {}): ExchangeRedactor {
  const enabled = (name: ExchangeDetectorName): boolean => options.detectors?.[name] !== false;
  const detectors = TEXT_DETECTORS.filter(enabled);
  const credentials = enabled("credentials");
  const headerNames = new Set((options.headers ?? []).map((name) => name.toLowerCase()));
  const paramNames = new Set((options.queryParams ?? []).map((name) => name.toLowerCase()));
  const keys = new Set((options.keys ?? []).map(normaliseKey));
  const paths = (options.paths ?? []).map((path, index) => parseRedactionPath(path, `/paths/${index}`));
  // Longest first, so a secret that contains another is hidden whole.
  const secrets = [...new Set(options.secrets ?? [])].filter((secret) => secret.length >= 4);
  const secretPattern =
    secrets.length === 0
      ? undefined
      : new RegExp(
          secrets
            .sort((a, b) => b.length - a.length)
            .map(escapeRegExp)
            .join("|"),
          "gi",
        );

  const redactText = (text: string): string => {
    let result = secretPattern === undefined ? text : text.replace(secretPattern, SECRET);
    for (const name of detectors) result = applyTextDetector(name, result);
    return result;
  };

  const redactParam = (name: string, value: string): string => {
    if (paramNames.has(name.toLowerCase())) return FIELD;
    if (credentials && isCredentialName(name)) return SECRET;
    return redactText(value);
  };

  const redactUrl = (url: string): string => redactUrlParts(url, redactText, redactParam, SECRET);

  const redactHeaders = (headers: ExchangeHeaders): ExchangeHeaders => {
    const result: ExchangeHeaders = {};
    for (const [name, value] of Object.entries(headers)) {
      const lower = name.toLowerCase();
      if (headerNames.has(lower)) result[name] = FIELD;
      else if (credentials && isCredentialName(lower)) result[name] = hideCredentialHeader(lower, value);
      else result[name] = redactText(value);
    }
    return result;
  };

  /** Active path matches: which path, and the index of its next segment. */
  type PathState = readonly [path: PathSegment[], next: number];

  const walk = (value: unknown, states: readonly PathState[], seen: WeakSet<object>): unknown => {
    if (typeof value === "string") return redactText(value);
    if (typeof value === "number") {
      // A card number sent as a JSON number (rare, but it happens) is still a card number.
      return enabled("card") && Number.isSafeInteger(value) && value > 0 && isCardNumber(String(value))
        ? redactionMarker("card")
        : value;
    }
    if (value === null || typeof value !== "object") return value;
    if (seen.has(value)) return "[Circular]";
    seen.add(value);
    const child = (key: string | number, item: unknown): unknown => {
      const next: PathState[] = [];
      for (const [path, index] of states) {
        const segment = path[index];
        if (segment === undefined || !segmentMatches(segment, key)) continue;
        if (index + 1 === path.length) return FIELD;
        next.push([path, index + 1]);
      }
      if (typeof key === "string" && item !== null && item !== undefined) {
        if (keys.has(normaliseKey(key))) return FIELD;
        if (credentials && isCredentialName(key)) return SECRET;
      }
      return walk(item, next, seen);
    };
    if (Array.isArray(value)) return value.map((item, index) => child(index, item));
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // Keys can be personal data too (a map keyed by email); a clash keeps both values.
      let name = redactText(key);
      if (name !== key) while (Object.hasOwn(result, name)) name += "'";
      result[name] = child(key, item);
    }
    return result;
  };

  const redactBody = (body: unknown, contentType?: string): unknown => {
    const roots: PathState[] = paths.map((path) => [path, 0]);
    if (typeof body !== "string") return walk(body, roots, new WeakSet());
    if (contentType !== undefined && /application\/x-www-form-urlencoded/i.test(contentType)) {
      return redactFormString(body, redactText, redactParam);
    }
    // A JSON text sent without a JSON content type still gets key and path rules.
    const trimmed = body.trimStart();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      try {
        return JSON.stringify(walk(JSON.parse(body), roots, new WeakSet()));
      } catch {
        // Not JSON after all: a text.
      }
    }
    return redactText(body);
  };

  const redactHalf = <H extends { headers?: ExchangeHeaders; body?: unknown }>(half: H): H => {
    const copy = { ...half };
    if (half.headers !== undefined) copy.headers = redactHeaders(half.headers);
    if ("body" in half) copy.body = redactBody(half.body, contentTypeOf(half.headers));
    return copy;
  };

  return {
    redact(exchange) {
      const copy = { ...exchange };
      copy.request = { ...redactHalf(exchange.request), url: redactUrl(exchange.request.url) };
      if (exchange.response !== undefined) copy.response = redactHalf(exchange.response);
      if (typeof exchange.error === "string") copy.error = redactText(exchange.error);
      return copy;
    },
    redactBody,
    redactText,
    redactUrl,
    redactHeaders,
  };
}

/** `Authorization: Bearer abc` keeps its scheme (reports show which scheme was sent); the rest goes. */
function hideCredentialHeader(name: string, value: string): string {
  if (name === "authorization" || name === "proxy-authorization") {
    const scheme = /^([A-Za-z][A-Za-z0-9_-]*)\s+\S/.exec(value)?.[1];
    if (scheme !== undefined) return `${scheme} ${SECRET}`;
  }
  return SECRET;
}

function contentTypeOf(headers: ExchangeHeaders | undefined): string | undefined {
  if (headers === undefined) return undefined;
  for (const [name, value] of Object.entries(headers))
    if (name.toLowerCase() === "content-type") return value;
  return undefined;
}
