import {
  credentialTextPatterns,
  escapeRegExp,
  normaliseKey,
  SENSITIVE_KEYS,
} from "../../redaction/credential-rules";
import {
  applyTextDetector,
  isCardNumber,
  redactCutOff,
  redactionMarker,
  TEXT_DETECTORS,
  type TextDetectorName,
} from "../../redaction/detectors";

/**
 * The value detectors the run redactor applies unless told otherwise: payment cards (Luhn),
 * IBANs (mod 97) and tokens are on; emails and phone numbers are off, because they are often a
 * record's own identifier (an idempotency key, a lookup) that operators need to read.
 */
export const DEFAULT_RUN_DETECTORS: Readonly<Record<TextDetectorName, boolean>> = {
  card: true,
  iban: true,
  token: true,
  email: false,
  phone: false,
};

/** What to redact beyond the built-in sensitive keys and patterns. */
export interface RedactionOptions {
  /**
   * More keys whose values are always hidden, matched case-insensitively and ignoring `-`/`_`
   * (so `x-customer-ssn` covers `X_Customer_SSN`), at any depth. Use for PII fields.
   * @example ["email", "ssn", "iban"]
   */
  keys?: readonly string[];
  /** Secret values known up front; the runtime adds every value its SecretProvider resolves. */
  secrets?: readonly string[];
  /**
   * Value detectors run over every text the runtime stores or logs — error messages, response
   * excerpts quoted in them, event data, dead-letter errors, idempotency results — whatever key
   * holds it. Each finding becomes `[REDACTED:<kind>]`. Listed detectors override the defaults.
   * @default { card: true, iban: true, token: true, email: false, phone: false }
   * @example { email: true } // also hide email addresses
   */
  detectors?: Partial<Record<TextDetectorName, boolean>>;
}

/** What replaces a hidden value. */
export const REDACTED = "[REDACTED]";

/** Text patterns that carry credentials: URL user-info, bearer/basic tokens, key=value pairs. */
const TEXT_PATTERNS = credentialTextPatterns(REDACTED);

/**
 * Hides secrets and personal data in everything the runtime writes (events, logs, errors, dead
 * letters, idempotency results): values of sensitive keys at any depth, registered secret values
 * wherever they appear in text (case insensitively), credential-looking text patterns, and what
 * the value detectors find (cards, IBANs, tokens; emails and phones when enabled) inside any
 * string. This is the one redaction step of the run path. Returns copies; never mutates.
 */
export class Redactor {
  private readonly keys: Set<string>;
  private readonly secrets = new Set<string>();
  private secretPattern: RegExp | undefined;
  private readonly detectors: readonly TextDetectorName[];

  constructor(options: RedactionOptions = {}) {
    this.keys = new Set([...SENSITIVE_KEYS, ...(options.keys ?? []).map(normaliseKey)]);
    const enabled = { ...DEFAULT_RUN_DETECTORS, ...options.detectors };
    this.detectors = TEXT_DETECTORS.filter((name) => enabled[name]);
    for (const secret of options.secrets ?? []) this.addSecret(secret);
  }

  /** Registers a secret value; values shorter than 4 characters are ignored (they would hide too much). */
  addSecret(value: string): void {
    if (value.length < 4 || this.secrets.has(value)) return;
    this.secrets.add(value);
    const alternatives = [...this.secrets].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.secretPattern = new RegExp(alternatives.join("|"), "gi");
  }

  /** Whether a key's value is always hidden. */
  isSensitiveKey(key: string): boolean {
    return this.keys.has(normaliseKey(key));
  }

  /** Hides secrets, credentials and what the enabled detectors find in a text. */
  redactText(text: string): string {
    let result = this.redactCredentialText(text);
    for (const name of this.detectors) result = applyTextDetector(name, result);
    return redactCutOff(result, this.detectors);
  }

  /** A redacted deep copy of any value; errors become plain `{ name, message, code, … }` objects. */
  redact<T>(value: T): T {
    return this.walk(
      value,
      new WeakSet(),
      (text) => this.redactText(text),
      this.detectors.includes("card"),
    ) as T;
  }

  /**
   * A copy of a record that must stay replayable (a dead letter's record): sensitive keys, secret
   * values and credential patterns are hidden, but the value detectors do not run, since a card
   * number or email in a record is data the target needs. Encrypt such records at rest with a
   * payload codec (`createRuntime({ payloadCodec })`).
   */
  redactRecord<T>(value: T): T {
    return this.walk(value, new WeakSet(), (text) => this.redactCredentialText(text), false) as T;
  }

  private redactCredentialText(text: string): string {
    let result = this.secretPattern === undefined ? text : text.replace(this.secretPattern, REDACTED);
    for (const [pattern, replacement] of TEXT_PATTERNS) result = result.replace(pattern, replacement);
    return result;
  }

  private walk(
    value: unknown,
    seen: WeakSet<object>,
    text: (text: string) => string,
    cardNumbers: boolean,
  ): unknown {
    if (typeof value === "string") return text(value);
    // A card number sent as a JSON number is still a card number.
    if (
      cardNumbers &&
      typeof value === "number" &&
      Number.isSafeInteger(value) &&
      isCardNumber(String(value))
    )
      return redactionMarker("card");
    if (value === null || typeof value !== "object") return value;
    if (seen.has(value)) return "[Circular]";
    seen.add(value);
    if (Array.isArray(value)) return value.map((item) => this.walk(item, seen, text, cardNumbers));
    if (value instanceof Date) return value.toISOString();
    const source: Record<string, unknown> =
      value instanceof Error
        ? { name: value.name, message: value.message, ...(value as unknown as Record<string, unknown>) }
        : (value as Record<string, unknown>);
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(source)) {
      if (key === "stack") continue;
      result[key] =
        this.isSensitiveKey(key) && item !== null && item !== undefined
          ? REDACTED
          : this.walk(item, seen, text, cardNumbers);
    }
    if (value instanceof Error && value.cause !== undefined)
      result.cause = this.walk(value.cause, seen, text, cardNumbers);
    return result;
  }
}
