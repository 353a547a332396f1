import type { OperationDescriptor } from "@synapseops/core";
import { finalResponses, fragmentPathParameters } from "../../_http";
import { documentsRateLimit } from "../_features";
import type { CaseResponse, GoldenCase } from "../types";
import { type BuildContext, type CategoryCases, label } from "./_context";
import { sampleRequest } from "./_requests";

/** Seconds to wait from a `Retry-After` value: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * `rate-limit` (one case, run after the others): a burst of `rateLimitBurst` requests to a
 * cheap read must bring a 429 with a valid `Retry-After`; after waiting that long, the same
 * request must no longer be limited. When the profile keeps rate limiting optional and no 429
 * comes, the case is skipped with that reason.
 */
export function rateLimitCases(context: BuildContext): CategoryCases {
  const reads = context.operations.filter(
    (op) => op.method === "get" && !answersOnly429(op) && fragmentPathParameters(op).length === 0,
  );
  const documented = reads.filter(documentsRateLimit);
  const op = cheapest(documented.length > 0 ? documented : reads);
  if (!op) return { cases: [], omitted: 0, none: "no GET operation to send a burst to" };
  const sample = sampleRequest(context.doc, context.validator, op);
  const { rateLimitBurst: burst, maxRetryAfterSeconds } = context.limits;
  const required = context.profile.categories["rate-limit"].requirement === "required";
  const rateCase: GoldenCase = {
    id: `rate-limit:${op.operationId}`,
    category: "rate-limit",
    name: `a burst of ${burst} × ${label(op)} brings 429 with Retry-After, which the client obeys`,
    operation: op.operationId,
    isolated: true,
    async run(ctx) {
      let limited: CaseResponse | undefined;
      for (let sent = 0; sent < burst && !limited; sent += 10) {
        const wave = await Promise.all(
          Array.from({ length: Math.min(10, burst - sent) }, () => ctx.send(sample.request)),
        );
        limited = wave.find((r) => r.status === 429);
      }
      if (!limited) {
        if (!required)
          return ctx.notApplicable(
            `no 429 within a burst of ${burst} requests, and the document promises no rate limit (optional in the profile)`,
          );
        return ctx.fail(
          `${label(op)}: no 429 within a burst of ${burst} requests, although the document says the API rate-limits`,
          {
            pointer: "/response/status",
            expected: 429,
          },
        );
      }
      const wait = retryAfterSeconds(limited.headers.get("retry-after"));
      if (wait === undefined)
        return ctx.fail(`${label(op)}: the 429 has no valid Retry-After header`, {
          pointer: "/response/headers/retry-after",
          actual: limited.headers.get("retry-after"),
        });
      if (wait > maxRetryAfterSeconds)
        return ctx.skip(
          `Retry-After is ${wait} s, longer than the suite waits (maxRetryAfterSeconds ${maxRetryAfterSeconds})`,
        );
      // The client obeys: it waits as told (plus a little for clock granularity), then retries once.
      await ctx.sleep(wait * 1000 + 100);
      const retried = await ctx.send(sample.request);
      if (retried.status === 429)
        return ctx.fail(`${label(op)}: still 429 after waiting the ${wait} s Retry-After asked for`, {
          pointer: "/response/status",
          actual: 429,
        });
    },
  };
  return { cases: [rateCase], omitted: 0 };
}

/**
 * An operation whose every final answer is 429 (ReadMe's `/status/429` demo) is no rate limit:
 * no wait ends it, so a burst sent to it could only fail the "still 429" step (issue 19).
 */
function answersOnly429(op: OperationDescriptor): boolean {
  const statuses = finalResponses(op.responses).map((r) => r.status);
  return statuses.length > 0 && statuses.every((status) => status === "429");
}

function cheapest(ops: readonly OperationDescriptor[]): OperationDescriptor | undefined {
  const weight = (op: OperationDescriptor): number =>
    op.parameters.filter((p) => p.required).length * 10 + op.path.split("/").length;
  return [...ops].sort((a, b) => weight(a) - weight(b))[0];
}
