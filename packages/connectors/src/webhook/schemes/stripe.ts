import { constantTimeEqual, hmac, sha256Hex, toBytes } from "../_crypto";
import { secretList } from "../_secrets";
import { checkTimestamp } from "../_timestamp";
import { headerValue } from "../headers";
import { DEFAULT_TOLERANCE_SECONDS, type WebhookScheme, type WebhookSecrets } from "../types";

/** Options of {@link stripe}. */
export interface StripeWebhookOptions {
  /** The endpoint's signing secret(s) (`whsec_…`), used as-is (not decoded). */
  secret: WebhookSecrets;
  /**
   * Seconds of clock difference accepted (Stripe's libraries default to 300).
   * @default 300
   */
  toleranceSeconds?: number;
}

/**
 * Stripe's scheme (docs.stripe.com/webhooks#verify-manually): `Stripe-Signature: t=<ts>,v1=<hex>…`,
 * HMAC-SHA256 in hex over `t.body` keyed with the secret string. Every `v1` is tried (Stripe
 * sends several while a secret rolls); `v0` and unknown schemes are ignored. The delivery id is
 * the event's `id` from the body, which the signature covers.
 *
 * @throws ValidationError (`path: "/secret"`) for a secret shorter than 16 bytes.
 */
export function stripe(options: StripeWebhookOptions): WebhookScheme {
  const secrets = secretList(options.secret, "stripe");
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  return {
    name: "stripe",
    toleranceSeconds: tolerance,
    verify({ rawBody, headers, now = new Date() }) {
      const header = headerValue(headers, "stripe-signature");
      if (header === undefined) {
        return {
          ok: false,
          reason: "missing_header",
          message: "stripe webhook needs the Stripe-Signature header",
        };
      }
      let timestamp: string | undefined;
      const candidates: string[] = [];
      for (const item of header.split(",")) {
        const at = item.indexOf("=");
        const key = item.slice(0, at).trim();
        const value = item.slice(at + 1).trim();
        if (key === "t") timestamp = value;
        else if (key === "v1") candidates.push(value);
      }
      if (timestamp === undefined) {
        return { ok: false, reason: "malformed_header", message: "Stripe-Signature has no t= timestamp" };
      }
      if (candidates.length === 0) {
        return { ok: false, reason: "bad_signature", message: "Stripe-Signature has no v1 signature" };
      }
      const body = toBytes(rawBody);
      let matched = false;
      for (const secret of secrets) {
        const expected = hmac("sha256", secret, [`${timestamp}.`, body]).toString("hex");
        if (candidates.some((candidate) => constantTimeEqual(candidate, expected))) matched = true;
      }
      if (!matched)
        return { ok: false, reason: "bad_signature", message: "stripe webhook: no v1 signature matches" };
      // Checked after the signature so an attacker learns nothing about the tolerance from an unsigned request.
      const time = checkTimestamp(timestamp, now, tolerance);
      if (!time.ok) return time;
      return { ok: true, id: eventId(body), idSigned: true, timestamp: time.timestamp };
    },
  };
}

/** The event id (`evt_…`) of a JSON body, else a hash of the body. */
export function eventId(body: Uint8Array, field = "id"): string {
  try {
    const parsed = JSON.parse(Buffer.from(body).toString("utf8")) as Record<string, unknown>;
    const value = parsed[field];
    if (typeof value === "string" && value !== "") return value;
  } catch {
    // not JSON: fall through to the hash
  }
  return `sha256:${sha256Hex(body)}`;
}
