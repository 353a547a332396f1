import { ErrorCode, ValidationError } from "@synapseops/core";
import type { WebhookSecrets } from "./types";

/**
 * The shortest webhook secret a scheme accepts, in bytes (UTF-8 of the string as given). An
 * empty key makes every signature forgeable and a short one can be guessed offline from one
 * captured delivery. RFC 2104 §3 discourages keys shorter than the hash output (32 bytes for
 * SHA-256); 128 bits is the floor enforced here, so hand-picked secrets (GitHub lets users
 * choose theirs) still work. Vendors' generated secrets are longer.
 */
export const MIN_WEBHOOK_SECRET_BYTES = 16;

/**
 * The secrets as a list, each checked: at least {@link MIN_WEBHOOK_SECRET_BYTES} bytes, and at
 * least one. Throws at construction so a misconfigured endpoint never starts (issue 16).
 */
export function secretList(secrets: WebhookSecrets, scheme: string): readonly string[] {
  const list = typeof secrets === "string" ? [secrets] : secrets;
  if (!Array.isArray(list) || list.length === 0) {
    throw new ValidationError(`${scheme} webhook: give at least one secret`, {
      code: ErrorCode.INVALID_INPUT,
      path: "/secret",
    });
  }
  for (const [index, secret] of list.entries()) {
    const path = typeof secrets === "string" ? "/secret" : `/secret/${index}`;
    if (typeof secret !== "string") {
      throw new ValidationError(`${scheme} webhook: the secret at ${path} is not a string`, {
        code: ErrorCode.INVALID_INPUT,
        path,
      });
    }
    const bytes = Buffer.byteLength(secret, "utf8");
    if (bytes < MIN_WEBHOOK_SECRET_BYTES) {
      // The length only, never the secret.
      throw new ValidationError(
        `${scheme} webhook: the secret at ${path} is ${bytes === 0 ? "empty" : `${bytes} bytes`}; at least ${MIN_WEBHOOK_SECRET_BYTES} are needed (a short key lets anyone forge deliveries)`,
        { code: ErrorCode.INVALID_INPUT, path },
      );
    }
  }
  return list;
}
