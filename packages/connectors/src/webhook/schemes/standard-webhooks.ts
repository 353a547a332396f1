import { ErrorCode, ValidationError } from "@synapseops/core";
import { constantTimeEqual, hmac, toBytes } from "../_crypto";
import { secretList } from "../_secrets";
import { checkTimestamp } from "../_timestamp";
import { headerValue } from "../headers";
import { DEFAULT_TOLERANCE_SECONDS, type WebhookScheme, type WebhookSecrets } from "../types";

/** Options of {@link standardWebhooks}. */
export interface StandardWebhooksOptions {
  /** The signing secret(s), `whsec_…` (base64 after the prefix). Several during a rotation. */
  secret: WebhookSecrets;
  /**
   * Seconds of clock difference accepted.
   * @default 300
   */
  toleranceSeconds?: number;
}

/**
 * The Standard Webhooks scheme (standardwebhooks.com, spec "Verifying webhooks"), which Svix
 * also sends under `svix-*` header names: HMAC-SHA256 over `id.timestamp.body` with the
 * base64-decoded secret, base64 signatures listed as `v1,<sig>` separated by spaces.
 *
 * @example
 * ```ts
 * const scheme = standardWebhooks({ secret: process.env.WEBHOOK_SECRET! });
 * const result = scheme.verify({ rawBody, headers });
 * ```
 */
export function standardWebhooks(options: StandardWebhooksOptions): WebhookScheme {
  const keys = secretList(options.secret, "standard-webhooks").map(decodeSecret);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  return {
    name: "standard-webhooks",
    toleranceSeconds: tolerance,
    verify({ rawBody, headers, now = new Date() }) {
      const id = headerValue(headers, "webhook-id") ?? headerValue(headers, "svix-id");
      const rawTimestamp =
        headerValue(headers, "webhook-timestamp") ?? headerValue(headers, "svix-timestamp");
      const signatures = headerValue(headers, "webhook-signature") ?? headerValue(headers, "svix-signature");
      if (id === undefined || rawTimestamp === undefined || signatures === undefined) {
        return {
          ok: false,
          reason: "missing_header",
          message: "standard webhook needs the webhook-id, webhook-timestamp and webhook-signature headers",
        };
      }
      const time = checkTimestamp(rawTimestamp, now, tolerance);
      if (!time.ok) return time;
      // Spec: the header lists space-delimited `version,signature` pairs; only v1 (HMAC-SHA256)
      // is ours to check, other versions (v1a: ed25519) are skipped, not errors.
      const candidates = signatures
        .split(" ")
        .filter((entry) => entry.startsWith("v1,"))
        .map((entry) => entry.slice(3));
      if (candidates.length === 0) {
        return { ok: false, reason: "bad_signature", message: "standard webhook has no v1 signature" };
      }
      const body = toBytes(rawBody);
      for (const key of keys) {
        const expected = hmac("sha256", key, [`${id}.${rawTimestamp}.`, body]).toString("base64");
        if (candidates.some((candidate) => constantTimeEqual(candidate, expected))) {
          return { ok: true, id, idSigned: true, timestamp: time.timestamp };
        }
      }
      return {
        ok: false,
        reason: "bad_signature",
        message: `standard webhook "${id}": no signature matches`,
      };
    },
  };
}

/** `whsec_<base64>` → key bytes; the spec signs with the decoded bytes, not the string. */
export function decodeSecret(secret: string): Buffer {
  const encoded = secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret;
  const key = Buffer.from(encoded, "base64");
  if (key.byteLength < 16 || key.toString("base64").replace(/=+$/, "") !== encoded.replace(/=+$/, "")) {
    throw new ValidationError("a Standard Webhooks secret is `whsec_` and at least 16 bytes of base64", {
      code: ErrorCode.INVALID_INPUT,
      path: "/secret",
    });
  }
  return key;
}
