import { constantTimeEqual, hmac, toBytes } from "../_crypto";
import { secretList } from "../_secrets";
import { headerValue } from "../headers";
import type { WebhookScheme, WebhookSecrets } from "../types";

/** Options of {@link shopify}. */
export interface ShopifyWebhookOptions {
  /** The app's client secret(s). */
  secret: WebhookSecrets;
}

/**
 * Shopify's scheme (shopify.dev, "Verify webhooks"): `X-Shopify-Hmac-Sha256` is the base64
 * HMAC-SHA256 of the raw body only. No timestamp and no id is signed, so the receiver dedupes
 * on the body's hash for its replay window (`dedupeTtlMs`); `X-Shopify-Webhook-Id` (or
 * `X-Shopify-Event-Id`) is kept for information only.
 *
 * @throws ValidationError (`path: "/secret"`) for a secret shorter than 16 bytes.
 */
export function shopify(options: ShopifyWebhookOptions): WebhookScheme {
  const secrets = secretList(options.secret, "shopify");
  return {
    name: "shopify",
    verify({ rawBody, headers }) {
      const header = headerValue(headers, "x-shopify-hmac-sha256");
      if (header === undefined) {
        return {
          ok: false,
          reason: "missing_header",
          message: "shopify webhook needs the X-Shopify-Hmac-Sha256 header",
        };
      }
      const body = toBytes(rawBody);
      for (const secret of secrets) {
        if (constantTimeEqual(header, hmac("sha256", secret, [body]).toString("base64"))) {
          const id =
            headerValue(headers, "x-shopify-webhook-id") ?? headerValue(headers, "x-shopify-event-id");
          return { ok: true, id, idSigned: false, timestamp: undefined };
        }
      }
      return {
        ok: false,
        reason: "bad_signature",
        message: "shopify webhook: X-Shopify-Hmac-Sha256 does not match",
      };
    },
  };
}
