import { ibanValid, luhnValid } from "./checksums";
import { credentialTextPatterns } from "./credential-rules";

/**
 * The detectors that find personal data and credentials inside any text, each of which a host
 * can switch off: `email`, `card` (Luhn-checked), `iban` (mod-97 checked), `phone` (international
 * `+…` numbers and `(555) 123-4567`), `token` (bearer/basic credentials, `key=value` secrets,
 * URL passwords, JWTs, well-known API key formats and long random hex or base64 strings).
 */
export type TextDetectorName = "email" | "card" | "iban" | "phone" | "token";

/** Every text detector, in the order they run (the order matters: an IBAN holds card-like digits). */
export const TEXT_DETECTORS: readonly TextDetectorName[] = ["token", "email", "iban", "card", "phone"];

/** What a detector's finding turns into: the kind stays readable, the value is gone. */
export const redactionMarker = (kind: string): string => `[REDACTED:${kind}]`;

// The lookbehinds anchor each pattern at the start of a run, so a long run that does not match
// costs one pass instead of one per starting position.
const EMAIL =
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}/g;
/**
 * Digit runs with single spaces or dashes between groups: candidates for card numbers. A run
 * glued to letters is part of a word or an id (issue 16: `trun_01a24e771a447628819547596f…`
 * holds 15 digits that pass Luhn), not a card number.
 */
const DIGIT_RUN = /(?<![\dA-Za-z])\d+(?:[ -]\d+)*(?![\dA-Za-z])/g;
/** Two letters, two check digits, then groups: candidates for IBANs (printed upper case). */
const IBAN_RUN = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}[A-Z0-9]*(?: [A-Z0-9]{1,4})*/g;
/** `+` then digit groups: candidates for international (E.164) numbers. */
const INTERNATIONAL_PHONE = /(?<![\w+])\+\d{1,3}(?:[ .-]?\(?\d{1,5}\)?){1,7}(?![\d])/g;
/** The North American `(555) 123-4567` form, the one national form unlikely to be anything else. */
const NANP_PHONE = /(?<![\w)])\(\d{3}\) ?\d{3}[-. ]\d{4}(?!\d)/g;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
/** Key formats whose shape says "credential": Stripe, GitHub, Slack, AWS access key ids. */
const API_KEY_FORMATS =
  /\b(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}|gh[pousr]_[A-Za-z0-9]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16})\b/g;

/**
 * Long random strings: 32+ hex characters, or 40+ base64/base64url characters mixing upper case,
 * lower case and digits (see {@link isRandomSecret}). Random API keys and signing secrets look
 * like this; so do bare digests, which are hidden too. What the runtime itself writes stays
 * (issue 16): a hex run after `_` or `-` is an id (`run_01a2…`, a BullMQ job id), and one after
 * `sha256:`, `body:` or `sid:` is a content hash or a webhook replay key the runtime computed.
 */
/** Stripe webhook signing secrets: base64 after `whsec_` (it may end in `/`, `+` or `=`). */
const STRIPE_WEBHOOK_SECRET = /\bwhsec_[A-Za-z0-9+/]{24,}={0,2}/g;
/** UUIDs (request ids, claim owners): their digit-only groups are not card or phone numbers. */
const UUID =
  /(?<![0-9A-Fa-f-])([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})(?![0-9A-Fa-f-])/;
const LONG_HEX = /(?<![A-Za-z0-9_-])(?<!\b(?:sha256|body|sid):)[0-9a-fA-F]{32,}(?![A-Za-z0-9])/g;
const LONG_BASE64 = /(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_-]{40,}={0,2}(?![A-Za-z0-9+/_=-])/g;

const TOKEN_MARKER = redactionMarker("token");
const TOKEN_PATTERNS = credentialTextPatterns(TOKEN_MARKER);

/** Applies one detector to a text; returns the text unchanged when nothing was found. */
export function applyTextDetector(name: TextDetectorName, text: string): string {
  // The shortest finding of any detector (`a@b.cc`) has six characters.
  if (text.length < 6) return text;
  switch (name) {
    case "token":
      return redactTokens(text);
    case "email":
      return text.includes("@") ? text.replace(EMAIL, redactionMarker("email")) : text;
    case "iban":
      return /[A-Z]{2}\d{2}/.test(text)
        ? outsideUuids(text, (t) => t.replace(IBAN_RUN, redactIbanRun))
        : text;
    case "card":
      return mayHoldCardNumber(text)
        ? outsideUuids(text, (t) => t.replace(DIGIT_RUN, redactCardsInRun))
        : text;
    case "phone":
      return outsideUuids(text, redactPhones);
  }
}

/**
 * Applies `detect` to the parts of `text` outside UUIDs (issue 16: `…-3198-4554-9330-7955…`
 * passes Luhn and was taken for a card number inside a request id).
 */
function outsideUuids(text: string, detect: (part: string) => string): string {
  if (!UUID.test(text)) return detect(text);
  const parts = text.split(new RegExp(UUID.source, "g"));
  // split with a capture group: even indexes are the text around, odd ones the UUIDs.
  return parts.map((part, index) => (index % 2 === 0 ? detect(part) : part)).join("");
}

/** An email cut off by an excerpt (`jane.doe@examp…`): the full pattern no longer matches. */
const CUT_EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]*(?=…|\.\.\.)/g;
/** Six or more digits cut off by an excerpt (`4111 1111 11…`): too short for Luhn, too long to show. */
const CUT_DIGITS = /(?<![\d])\d(?:[ -]?\d){5,}(?=…|\.\.\.)/g;

/**
 * Hides what an excerpt cut in the middle (the text right before `…` or `...`): a partial email
 * when `email` is on, a partial digit run of six or more when `card` is on. Excerpts of error
 * bodies are cut at a length, not at a value, so a detector would otherwise miss the value.
 */
export function redactCutOff(text: string, detectors: readonly TextDetectorName[]): string {
  if (!text.includes("…") && !text.includes("...")) return text;
  let result = text;
  if (detectors.includes("email")) result = result.replace(CUT_EMAIL, redactionMarker("email"));
  if (detectors.includes("card")) result = result.replace(CUT_DIGITS, redactionMarker("card"));
  return result;
}

/** Every token pattern needs one of these; most texts have none, and skip the patterns. */
const TOKEN_HINT = /:\/\/|bearer|basic|token|=|eyJ|sk_|rk_|whsec_|gh[pousr]_|xox|AKIA/i;

function redactTokenPatterns(text: string): string {
  let result = text;
  for (const [pattern, replacement] of TOKEN_PATTERNS) result = result.replace(pattern, replacement);
  if (result.includes("eyJ")) result = result.replace(JWT, TOKEN_MARKER);
  if (result.includes("whsec_")) result = result.replace(STRIPE_WEBHOOK_SECRET, TOKEN_MARKER);
  return result.replace(API_KEY_FORMATS, TOKEN_MARKER);
}

function redactTokens(text: string): string {
  let result = TOKEN_HINT.test(text) ? redactTokenPatterns(text) : text;
  if (result.length >= 32) {
    result = result.replace(LONG_HEX, (run) => (/\d/.test(run) && /[a-f]/i.test(run) ? TOKEN_MARKER : run));
    result = result.replace(LONG_BASE64, (run) => (isRandomSecret(run) ? TOKEN_MARKER : run));
  }
  return result;
}

/**
 * Whether a base64-alphabet run reads as random rather than as words: it mixes upper case, lower
 * case and digits (three, or one when a third of its letters are capitals), and separators
 * (`+/_-`) are rare — one in 32 characters in random base64. Up to one in 10 is allowed (at one
 * in 16 with three digits, 56 of 400 random 32-byte keys passed; now 6 of 400): paths and
 * kebab-case names have more separators, camelCase names one capital a word.
 */
export function isRandomSecret(run: string): boolean {
  const digits = run.replace(/\D/g, "").length;
  const separators = run.replace(/[^+/_-]/g, "").length;
  const upper = run.replace(/[^A-Z]/g, "").length;
  const letters = run.replace(/[^A-Za-z]/g, "").length;
  // Random base64 has ~6 digits in 40 and capitals for half its letters; 1 key in 25 has at
  // most 2 digits, and is still random when its capitals say so.
  const mixed = digits >= 3 || (digits >= 1 && upper >= letters / 3);
  return /[A-Z]/.test(run) && /[a-z]/.test(run) && mixed && separators <= run.length / 10;
}

/**
 * Thirteen digits, each apart from the next by at most one space or dash: what any card number
 * {@link redactCardsInRun} can find spans. Most texts (ids such as `r-1234`) have none, and skip
 * the run split (≈ 0.4 µs per text, paid per keyed record's stored result: issue 21).
 */
const CARD_LENGTH_DIGITS = /\d(?:[ -]?\d){12}/;

/** Whether `text` holds enough digits, close enough together, for a card number. */
function mayHoldCardNumber(text: string): boolean {
  return text.length >= 13 && CARD_LENGTH_DIGITS.test(text);
}

/**
 * A card number is 13–19 digits, starts with 2–6 (the payment-card industry identifiers: Visa,
 * Mastercard, Amex, Discover, JCB, Diners, UnionPay) and passes Luhn. The leading-digit rule
 * keeps millisecond timestamps (13 digits starting with 1 until 2033) out.
 */
export function isCardNumber(digits: string): boolean {
  return digits.length >= 13 && digits.length <= 19 && /^[2-6]/.test(digits) && luhnValid(digits);
}

/**
 * In a run of digit groups (`4111 1111 1111 1111 2025`, `12 4111111111111111`), finds the longest
 * window of whole groups that is a card number, so digits around a card do not shield it.
 */
function redactCardsInRun(run: string): string {
  const parts = run.split(/([ -])/);
  const groups = parts.filter((_, index) => index % 2 === 0);
  const out: string[] = [];
  let start = 0;
  while (start < groups.length) {
    let matchedEnd = -1;
    let digits = "";
    for (let end = start; end < groups.length; end += 1) {
      digits += groups[end];
      if (digits.length > 19) break;
      if (isCardNumber(digits)) matchedEnd = end;
    }
    if (matchedEnd >= 0) {
      out.push(redactionMarker("card"));
      if (matchedEnd + 1 < groups.length) out.push(parts[matchedEnd * 2 + 1] ?? " ");
      start = matchedEnd + 1;
    } else {
      out.push(groups[start] ?? "");
      if (start + 1 < groups.length) out.push(parts[start * 2 + 1] ?? " ");
      start += 1;
    }
  }
  return out.join("");
}

/** An IBAN run may carry a trailing word (`… 0130 00 EUR`): try whole-group prefixes, longest first. */
function redactIbanRun(run: string): string {
  const groups = run.split(" ");
  for (let end = groups.length; end > 0; end -= 1) {
    const compact = groups.slice(0, end).join("");
    if (compact.length >= 15 && compact.length <= 34 && ibanValid(compact)) {
      const rest = groups.slice(end).join(" ");
      return rest === "" ? redactionMarker("iban") : `${redactionMarker("iban")} ${rest}`;
    }
  }
  return run;
}

/**
 * International numbers have 8–15 digits (E.164 allows up to 15) and a country code that never
 * starts with 0, which keeps UTC offsets (`+02:00`) out; a candidate ending in `.dd` is an amount.
 */
function redactPhones(text: string): string {
  let result = text;
  if (result.includes("+")) {
    result = result.replace(INTERNATIONAL_PHONE, (candidate) => {
      const digits = candidate.replace(/\D/g, "");
      if (digits.length < 8 || digits.length > 15 || digits.startsWith("0")) return candidate;
      if (/\.\d{1,2}$/.test(candidate)) return candidate;
      return redactionMarker("phone");
    });
  }
  if (result.includes("(")) result = result.replace(NANP_PHONE, redactionMarker("phone"));
  return result;
}
