import { ErrorCode, ValidationError } from "@synapseops/core";
import { constantTimeEqual, type HmacAlgorithm, hmac as hmacDigest, toBytes } from "../_crypto";
import { secretList } from "../_secrets";
import { checkTimestamp } from "../_timestamp";
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
  /**
   * The header with the delivery id. Put `{id}` in `payload` when the sender signs it: only a
   * signed id is deduped on; otherwise the receiver dedupes on the body's hash.
   */
  idHeader?: string;
  /**
   * What is signed: `{body}`, `{timestamp}` and `{id}` are replaced (`{body}` by the raw bytes).
   * It must contain `{body}`, and `{timestamp}` exactly when `timestampHeader` is set.
   * @default "{timestamp}.{body}" with a timestampHeader, else "{body}"
   */
  payload?: string;
  /** @default 300 */
  toleranceSeconds?: number;
}

/**
 * A configurable HMAC scheme for vendors without a standard one. Without `timestampHeader` a
 * captured delivery stays valid forever: the receiver's body-hash window (`dedupeTtlMs`) is then
 * the replay defence.
 *
 * @throws ValidationError (`path: "/secret"`) for a secret shorter than 16 bytes.
 *
 * @example
 * ```ts
 * hmacScheme({ secret, header: "x-acme-signature", prefix: "sha256=", timestampHeader: "x-acme-timestamp" });
 * ```
 */
export function hmacScheme(options: HmacSchemeOptions): WebhookScheme {
  const secrets = secretList(options.secret, "hmac");
  const algorithm = options.algorithm ?? "sha256";
  const encoding = options.encoding ?? "hex";
  const prefix = options.prefix ?? "";
  const template = options.payload ?? (options.timestampHeader ? "{timestamp}.{body}" : "{body}");
  const pieces = template.split(/(\{body\}|\{timestamp\}|\{id\})/).filter((piece) => piece !== "");
  checkTemplate(pieces, options);
  const idSigned = options.idHeader !== undefined && pieces.includes("{id}");
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  return {
    name: "hmac",
    ...(options.timestampHeader === undefined ? {} : { toleranceSeconds: tolerance }),
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
        const time = checkTimestamp(value, now, tolerance);
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
        if (constantTimeEqual(signature, expected)) {
          return { ok: true, id, idSigned: idSigned && id !== undefined, timestamp };
        }
      }
      return { ok: false, reason: "bad_signature", message: `webhook: ${options.header} does not match` };
    },
  };
}

/**
 * Refuses a payload template that leaves a checked part unsigned: without `{body}` any body
 * verifies; a `timestampHeader` outside the signature can be reset by anyone replaying a
 * delivery; `{timestamp}`/`{id}` without their header sign an empty string.
 */
function checkTemplate(pieces: readonly string[], options: HmacSchemeOptions): void {
  const refuse = (message: string): never => {
    throw new ValidationError(`hmac webhook: ${message}`, {
      code: ErrorCode.INVALID_INPUT,
      path: "/payload",
    });
  };
  if (!pieces.includes("{body}")) refuse("payload must contain {body}, or the body is not signed");
  const signsTimestamp = pieces.includes("{timestamp}");
  if (options.timestampHeader !== undefined && !signsTimestamp) {
    refuse("payload must contain {timestamp} when timestampHeader is set, or the timestamp is not signed");
  }
  if (options.timestampHeader === undefined && signsTimestamp)
    refuse("payload has {timestamp} but no timestampHeader is set");
  if (options.idHeader === undefined && pieces.includes("{id}"))
    refuse("payload has {id} but no idHeader is set");
}
