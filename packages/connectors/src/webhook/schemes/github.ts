import { constantTimeEqual, hmac, toBytes } from "../_crypto";
import { secretList } from "../_secrets";
import { headerValue } from "../headers";
import type { WebhookScheme, WebhookSecrets } from "../types";

/** Options of {@link github}. */
export interface GitHubWebhookOptions {
  /** The webhook's secret(s). */
  secret: WebhookSecrets;
}

/**
 * GitHub's scheme (docs.github.com, "Validating webhook deliveries"):
 * `X-Hub-Signature-256: sha256=<hex>` HMAC-SHA256 of the raw body. Neither a timestamp nor
 * the delivery id (`X-GitHub-Delivery`) is signed, so the receiver dedupes on the body's hash
 * for its replay window (`dedupeTtlMs`); the id is kept for information only.
 *
 * @throws ValidationError (`path: "/secret"`) for a secret shorter than 16 bytes.
 */
export function github(options: GitHubWebhookOptions): WebhookScheme {
  const secrets = secretList(options.secret, "github");
  return {
    name: "github",
    verify({ rawBody, headers }) {
      const header = headerValue(headers, "x-hub-signature-256");
      if (header === undefined) {
        return {
          ok: false,
          reason: "missing_header",
          message: "github webhook needs the X-Hub-Signature-256 header",
        };
      }
      const body = toBytes(rawBody);
      for (const secret of secrets) {
        const expected = `sha256=${hmac("sha256", secret, [body]).toString("hex")}`;
        if (constantTimeEqual(header, expected)) {
          return {
            ok: true,
            id: headerValue(headers, "x-github-delivery"),
            idSigned: false,
            timestamp: undefined,
          };
        }
      }
      return {
        ok: false,
        reason: "bad_signature",
        message: "github webhook: X-Hub-Signature-256 does not match",
      };
    },
  };
}
