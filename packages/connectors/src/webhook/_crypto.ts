import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** An HMAC digest algorithm the schemes use. */
export type HmacAlgorithm = "sha1" | "sha256" | "sha512";

/** HMAC of `parts` (concatenated) under `key`. */
export function hmac(
  algorithm: HmacAlgorithm,
  key: string | Uint8Array,
  parts: readonly (string | Uint8Array)[],
): Buffer {
  const mac = createHmac(algorithm, key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** SHA-256 hex of a body: the payload hash for idempotency records and the id of id-less deliveries. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Compares two strings in time that does not depend on where they differ (a timing side channel
 * would let an attacker guess a signature byte by byte). A length mismatch returns `false`
 * without throwing, unlike `crypto.timingSafeEqual`; lengths of signatures are public anyway.
 */
export function constantTimeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const left = typeof a === "string" ? Buffer.from(a, "utf8") : a;
  const right = typeof b === "string" ? Buffer.from(b, "utf8") : b;
  if (left.byteLength !== right.byteLength) {
    // Spend the same work as a real comparison before answering.
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

/** The raw body as bytes. */
export function toBytes(body: string | Uint8Array): Uint8Array {
  return typeof body === "string" ? Buffer.from(body, "utf8") : body;
}
