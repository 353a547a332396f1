import {
  credentialTextPatterns,
  escapeRegExp,
  normaliseKey,
  SENSITIVE_KEYS,
} from "../redaction/credential-rules";

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
}

/** What replaces a hidden value. */
export const REDACTED = "[REDACTED]";

/** Text patterns that carry credentials: URL user-info, bearer/basic tokens, key=value pairs. */
const TEXT_PATTERNS = credentialTextPatterns(REDACTED);

/**
 * Hides secrets in everything the runtime writes (events, logs, errors, dead letters): values of
 * sensitive keys at any depth, registered secret values wherever they appear in text (case
 * insensitively), and credential-looking text patterns. Returns copies; never mutates.
 */
export class Redactor {
  private readonly keys: Set<string>;
  private readonly secrets = new Set<string>();
  private secretPattern: RegExp | undefined;

  constructor(options: RedactionOptions = {}) {
    this.keys = new Set([...SENSITIVE_KEYS, ...(options.keys ?? []).map(normaliseKey)]);
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

  /** Hides secrets in a text. */
  redactText(text: string): string {
    let result = this.secretPattern === undefined ? text : text.replace(this.secretPattern, REDACTED);
    for (const [pattern, replacement] of TEXT_PATTERNS) result = result.replace(pattern, replacement);
    return result;
  }

  /** A redacted deep copy of any value; errors become plain `{ name, message, code, … }` objects. */
  redact<T>(value: T): T {
    return this.walk(value, new WeakSet()) as T;
  }

  private walk(value: unknown, seen: WeakSet<object>): unknown {
    if (typeof value === "string") return this.redactText(value);
    if (value === null || typeof value !== "object") return value;
    if (seen.has(value)) return "[Circular]";
    seen.add(value);
    if (Array.isArray(value)) return value.map((item) => this.walk(item, seen));
    if (value instanceof Date) return value.toISOString();
    const source: Record<string, unknown> =
      value instanceof Error
        ? { name: value.name, message: value.message, ...(value as unknown as Record<string, unknown>) }
        : (value as Record<string, unknown>);
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(source)) {
      if (key === "stack") continue;
      result[key] =
        this.isSensitiveKey(key) && item !== null && item !== undefined ? REDACTED : this.walk(item, seen);
    }
    if (value instanceof Error && value.cause !== undefined) result.cause = this.walk(value.cause, seen);
    return result;
  }
}
