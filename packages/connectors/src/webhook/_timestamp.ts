import type { WebhookVerification } from "./types";

/**
 * Checks a signed timestamp (seconds) against now: `|now − timestamp| ≤ tolerance` passes, so
 * with 300 s, now−300 s is accepted and now−301 s or now+301 s are refused.
 */
export function checkTimestamp(
  raw: string,
  now: Date,
  toleranceSeconds: number,
): { ok: true; timestamp: number } | Extract<WebhookVerification, { ok: false }> {
  if (!/^\d{1,15}$/.test(raw)) {
    return {
      ok: false,
      reason: "malformed_header",
      message: `webhook timestamp "${raw.slice(0, 32)}" is not whole seconds`,
    };
  }
  const timestamp = Number(raw);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
    const direction = timestamp < nowSeconds ? "old" : "in the future";
    return {
      ok: false,
      reason: "timestamp_out_of_tolerance",
      message: `webhook timestamp ${timestamp} is ${Math.abs(nowSeconds - timestamp)} s ${direction} (tolerance ${toleranceSeconds} s)`,
    };
  }
  return { ok: true, timestamp };
}
