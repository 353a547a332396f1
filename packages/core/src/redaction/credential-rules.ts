/**
 * The credential rules every redactor in core shares: which names carry credentials, and which
 * text patterns do. The run-log {@link Redactor} and the exchange redactor both read them, so a
 * key added here is hidden in logs and in traces alike.
 */

/** Names whose values are credentials wherever they appear (normalised: lower case, no `-`/`_`). */
export const SENSITIVE_KEYS: readonly string[] = [
  "authorization",
  "proxyauthorization",
  "cookie",
  "setcookie",
  "xapikey",
  "apikey",
  "apisecret",
  "password",
  "passwd",
  "secret",
  "clientsecret",
  "token",
  "accesstoken",
  "refreshtoken",
  "idtoken",
  "privatekey",
  "webhooksecret",
  "signingsecret",
  "connectionstring",
  "databaseurl",
  "dsn",
  "credentials",
];

/**
 * Query parameters that carry a credential in a configured URL beyond the credential names:
 * signatures of pre-signed URLs (`sig`, Azure SAS and Teams Workflows), function keys (`code`,
 * Azure Functions) and a bare `key` (Google APIs). Normalised like {@link SENSITIVE_KEYS}.
 */
export const CREDENTIAL_QUERY_PARAMS: readonly string[] = ["sig", "signature", "code", "key", "auth"];

/** A key or header name as the rules compare it: lower case, without `-`, `_` and spaces. */
export const normaliseKey = (key: string): string => key.toLowerCase().replace(/[-_\s]/g, "");

/** Escapes a literal for use inside a regular expression. */
export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const CREDENTIAL_HINT = /:\/\/|bearer|basic|token|=/i;

/**
 * Whether a text may hold what {@link credentialTextPatterns} hide: each pattern needs `://`,
 * `bearer`/`basic`/`token` or `=`, so a text with none of them skips the patterns (most record
 * values; issue 21). Keep it in step with the patterns below.
 */
export const mayHoldCredentials = (text: string): boolean => CREDENTIAL_HINT.test(text);

/**
 * Text patterns that carry credentials, each with the replacement that keeps the label and hides
 * the value: URL user-info passwords, `Bearer`/`Basic`/`Token` credentials, `key=value` pairs.
 * `marker` is what replaces the value (`[REDACTED]` in logs, `[REDACTED:token]` in traces).
 */
export function credentialTextPatterns(marker: string): readonly (readonly [RegExp, string])[] {
  // `$` in a replacement is special; markers never need it.
  const safe = marker.replaceAll("$", "$$$$");
  // `(?!\[REDACTED)`: a value another redactor already hid keeps its marker (redaction is idempotent).
  return [
    [/([a-z][a-z0-9+.-]*:\/\/[^:/\s@]*:)(?!\[REDACTED)[^@\s/]+@/gi, `$1${safe}@`],
    [/\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{6,}/gi, `$1 ${safe}`],
    [
      /\b(password|passwd|secret|token|api[_-]?key|access[_-]?token)=(?!\[REDACTED)([^&\s"']+)/gi,
      `$1=${safe}`,
    ],
  ];
}
