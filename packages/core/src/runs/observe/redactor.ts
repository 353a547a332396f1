import { ValidationError } from "../../errors";
import {
  credentialTextPatterns,
  mayHoldCredentials,
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
import { DEFAULT_MAX_SECRETS, SecretSet } from "./secret-set";

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
  /** Secret values known up front (never forgotten); the runtime adds every value its SecretProvider resolves. */
  secrets?: readonly string[];
  /**
   * How many resolved secret values (from the SecretProvider, PKCE verifiers) are remembered, most
   * recently used first. Connection credentials are not counted: each connection keeps its current
   * and previous credentials, whatever this says.
   * @default 10_000
   */
  maxSecrets?: number;
  /**
   * Value detectors run over every text the runtime stores or logs — error messages, response
   * excerpts quoted in them, event data, dead-letter errors, idempotency results — whatever key
   * holds it. Each finding becomes `[REDACTED:<kind>]`. Listed detectors override the defaults.
   * @default { card: true, iban: true, token: true, email: false, phone: false }
   * @example { email: true } // also hide email addresses
   */
  detectors?: Partial<Record<TextDetectorName, boolean>>;
}

/**
 * Where secret values are registered so the runtime's redactor masks them: what the connection
 * service and the secret resolution of runs are given (the {@link Redactor} implements it).
 */
export interface SecretRegistry {
  /** A value kept for good (configured client secrets). */
  pinSecret(value: string): void;
  /** A value kept while recently used (bounded by `maxSecrets`). */
  addSecret(value: string): void;
  /** The current values of a slot (a connection's credentials), replacing its previous ones. */
  replaceSecrets(slot: string, values: readonly string[]): void;
  /** Forgets a slot's values. */
  dropSecrets(slot: string): void;
}

/** What replaces a hidden value. */
export const REDACTED = "[REDACTED]";

/** How many distinct keys a redactor remembers as sensitive or not. */
const MAX_REMEMBERED_KEYS = 4_096;

/** Text patterns that carry credentials: URL user-info, bearer/basic tokens, key=value pairs. */
const TEXT_PATTERNS = credentialTextPatterns(REDACTED);

/**
 * Hides secrets and personal data in everything the runtime writes (events, logs, errors, dead
 * letters, idempotency results): values of sensitive keys at any depth, registered secret values
 * wherever they appear in text (case insensitively), credential-looking text patterns, and what
 * the value detectors find (cards, IBANs, tokens; emails and phones when enabled) inside any
 * string. This is the one redaction step of the run path. Returns copies; never mutates.
 */
export class Redactor implements SecretRegistry {
  private readonly keys: Set<string>;
  /** Keys met before and whether they are sensitive (the key set never changes). */
  private readonly sensitiveByKey = new Map<string, boolean>();
  private readonly secrets: SecretSet;
  private readonly detectors: readonly TextDetectorName[];

  constructor(options: RedactionOptions = {}) {
    this.keys = new Set([...SENSITIVE_KEYS, ...(options.keys ?? []).map(normaliseKey)]);
    const enabled = { ...DEFAULT_RUN_DETECTORS, ...options.detectors };
    this.detectors = TEXT_DETECTORS.filter((name) => enabled[name]);
    const max = options.maxSecrets ?? DEFAULT_MAX_SECRETS;
    if (!Number.isInteger(max) || max < 1) {
      throw new ValidationError(`redaction.maxSecrets must be a positive integer, got ${max}`, {
        path: "/redaction/maxSecrets",
      });
    }
    this.secrets = new SecretSet(max);
    for (const secret of options.secrets ?? []) this.secrets.pin(secret);
  }

  /** Registers a secret value that is never forgotten (a configured client secret). */
  pinSecret(value: string): void {
    this.secrets.pin(value);
  }

  /**
   * Registers a secret value, remembered while it is among the `maxSecrets` most recently
   * registered ones (registering it again counts as a use); values shorter than 4 characters are
   * ignored (they would hide too much).
   */
  addSecret(value: string): void {
    this.secrets.add(value);
  }

  /**
   * Registers values that rotate under one name (a connection's credentials): they replace the
   * slot's values, and the values they replace stay hidden until the next replacement, so a call
   * still in flight with a just-refreshed token is masked. Memory stays bounded however often
   * they rotate.
   */
  replaceSecrets(slot: string, values: readonly string[]): void {
    this.secrets.replace(slot, values);
  }

  /** Forgets a slot's values (its connection was deleted). */
  dropSecrets(slot: string): void {
    this.secrets.drop(slot);
  }

  /** How many secret values are held now. */
  get secretCount(): number {
    return this.secrets.size;
  }

  /** Whether a key's value is always hidden. */
  isSensitiveKey(key: string): boolean {
    // Records repeat their keys: each is normalised once (up to a bound, keys being data).
    const known = this.sensitiveByKey.get(key);
    if (known !== undefined) return known;
    const sensitive = this.keys.has(normaliseKey(key));
    if (this.sensitiveByKey.size < MAX_REMEMBERED_KEYS) this.sensitiveByKey.set(key, sensitive);
    return sensitive;
  }

  /** Hides secrets, credentials and what the enabled detectors find in a text. */
  redactText(text: string): string {
    let result = this.redactCredentialText(text);
    for (const name of this.detectors) result = applyTextDetector(name, result);
    return redactCutOff(result, this.detectors);
  }

  /** A redacted deep copy of any value; errors become plain `{ name, message, code, … }` objects. */
  redact<T>(value: T): T {
    return this.walk(value, new Set(), this.#redactText, this.detectors.includes("card"), false) as T;
  }

  /**
   * {@link redact}'s copy with every object and array in it frozen: for a value kept and shared
   * as it is (an idempotency result: the memory store keeps a frozen value without copying it).
   */
  redactFrozen<T>(value: T): T {
    return this.walk(value, new Set(), this.#redactText, this.detectors.includes("card"), true) as T;
  }

  /**
   * A copy of a record that must stay replayable (a dead letter's record): sensitive keys, secret
   * values and credential patterns are hidden, but the value detectors do not run, since a card
   * number or email in a record is data the target needs. Encrypt such records at rest with a
   * payload codec (`createRuntime({ payloadCodec })`).
   */
  redactRecord<T>(value: T): T {
    return this.walk(value, new Set(), this.#redactCredentialText, false, false) as T;
  }

  // Bound once, not a closure per call; `seen` is a `Set`, not a `WeakSet`: it lives for one
  // call, and weak collections cost the collector more (a result is redacted per keyed record).
  readonly #redactText = (text: string): string => this.redactText(text);
  readonly #redactCredentialText = (text: string): string => this.redactCredentialText(text);

  private redactCredentialText(text: string): string {
    const secrets = this.secrets.pattern();
    let result = secrets === undefined ? text : text.replace(secrets, REDACTED);
    if (!mayHoldCredentials(result)) return result;
    for (const [pattern, replacement] of TEXT_PATTERNS) result = result.replace(pattern, replacement);
    return result;
  }

  private walk(
    value: unknown,
    seen: Set<object>,
    text: (text: string) => string,
    cardNumbers: boolean,
    freeze: boolean,
  ): unknown {
    if (typeof value === "string") return text(value);
    // A card number sent as a JSON number is still a card number.
    if (
      cardNumbers &&
      typeof value === "number" &&
      // Thirteen digits at least, and no sign (cards start with 2–6): small numbers skip the text.
      value >= 1e12 &&
      Number.isSafeInteger(value) &&
      isCardNumber(String(value))
    )
      return redactionMarker("card");
    if (value === null || typeof value !== "object") return value;
    if (seen.has(value)) return "[Circular]";
    seen.add(value);
    if (Array.isArray(value)) {
      const items = value.map((item) => this.walk(item, seen, text, cardNumbers, freeze));
      return freeze ? Object.freeze(items) : items;
    }
    if (value instanceof Date) return value.toISOString();
    const source: Record<string, unknown> =
      value instanceof Error
        ? { name: value.name, message: value.message, ...(value as unknown as Record<string, unknown>) }
        : (value as Record<string, unknown>);
    const result: Record<string, unknown> = {};
    // Keys, not `Object.entries`: no pair array made per member.
    for (const key of Object.keys(source)) {
      if (key === "stack") continue;
      const item = source[key];
      result[key] =
        this.isSensitiveKey(key) && item !== null && item !== undefined
          ? REDACTED
          : this.walk(item, seen, text, cardNumbers, freeze);
    }
    if (value instanceof Error && value.cause !== undefined)
      result.cause = this.walk(value.cause, seen, text, cardNumbers, freeze);
    return freeze ? Object.freeze(result) : result;
  }
}
