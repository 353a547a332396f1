import { constantTimeEqual, type HmacAlgorithm, hmac as hmacDigest, toBytes } from "../_crypto";
import { checkTimestamp, secretList } from "../_timestamp";
import { headerValue } from "../headers";
import { DEFAULT_TOLERANCE_SECONDS, type WebhookScheme, type WebhookSecrets } from "../types";

/** Options of {@link hmacScheme}. */
export interface HmacSchemeOptions {
  /** The shared secret(s), used as UTF-8 bytes. */
  secret: WebhookSecrets;
  /** The header carrying the signature. @example "x-signature" */
  header: string;
  /** @default "sha256" */
  algorithm?: HmacAlgorithm;
  /** @default "hex" */
  encoding?: "hex" | "base64";
  /** Text before the signature in the header. @default "" @example "sha256=" */
  prefix?: string;
  /** The header with the signed timestamp (seconds); absent: no timestamp is signed. */
  timestampHeader?: string;
  /** The header with the delivery id. */
  idHeader?: string;
  /**
   * What is signed: `{body}`, `{timestamp}` and `{id}` are replaced (`{body}` by the raw bytes).
   * @default "{timestamp}.{body}" with a timestampHeader, else "{body}"
   */
  payload?: string;
  /** @default 300 */
  toleranceSeconds?: number;
}

/**
 * A configurable HMAC scheme for vendors without a standard one.
 *
 * @example
 * ```ts
 * hmacScheme({ secret, header: "x-acme-signature", prefix: "sha256=", timestampHeader: "x-acme-timestamp" });
 * ```
 */
export function hmacScheme(options: HmacSchemeOptions): WebhookScheme {
  const secrets = secretList(options.secret);
  const algorithm = options.algorithm ?? "sha256";
  const encoding = options.encoding ?? "hex";
  const prefix = options.prefix ?? "";
  const template = options.payload ?? (options.timestampHeader ? "{timestamp}.{body}" : "{body}");
  const pieces = template.split(/(\{body\}|\{timestamp\}|\{id\})/).filter((piece) => piece !== "");
  return {
    name: "hmac",
    verify({ rawBody, headers, now = new Date() }) {
      const signature = headerValue(headers, options.header);
      if (signature === undefined) {
        return { ok: false, reason: "missing_header", message: `webhook needs the ${options.header} header` };
      }
      const id = options.idHeader === undefined ? undefined : headerValue(headers, options.idHeader);
      let timestamp: number | undefined;
      let rawTimestamp = "";
      if (options.timestampHeader !== undefined) {
        const value = headerValue(headers, options.timestampHeader);
        if (value === undefined) {
          return {
            ok: false,
            reason: "missing_header",
            message: `webhook needs the ${options.timestampHeader} header`,
          };
        }
        const time = checkTimestamp(value, now, options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS);
        if (!time.ok) return time;
        timestamp = time.timestamp;
        rawTimestamp = value;
      }
      const body = toBytes(rawBody);
      const parts = pieces.map((piece) =>
        piece === "{body}"
          ? body
          : piece === "{timestamp}"
            ? rawTimestamp
            : piece === "{id}"
              ? (id ?? "")
              : piece,
      );
      for (const secret of secrets) {
        const expected = `${prefix}${hmacDigest(algorithm, secret, parts).toString(encoding)}`;
        if (constantTimeEqual(signature, expected)) return { ok: true, id, timestamp };
      }
      return { ok: false, reason: "bad_signature", message: `webhook: ${options.header} does not match` };
    },
  };
}
