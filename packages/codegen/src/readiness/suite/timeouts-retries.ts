import type { OperationDescriptor } from "@synapseops/core";
import type { CaseResponse, GoldenCase } from "../types";
import { type BuildContext, type CategoryCases, isDocumentedStatus, label } from "./_context";
import { sampleRequest, spread } from "./_requests";
import { retryAfterSeconds } from "./rate-limit";

/** Answers a retry policy retries: timeouts (no answer), 408, 429 and 5xx. */
function transient(response: CaseResponse | undefined): boolean {
  return !response || response.status === 408 || response.status === 429 || response.status >= 500;
}

/**
 * `timeouts-retries`, per read operation (at most 3): the operation is called through a client
 * retry policy — each attempt aborted after `attemptTimeoutMs`, up to `maxAttempts` attempts,
 * retried on no answer, 408, 429 and 5xx after `initialDelayMs` doubled per retry (a
 * `Retry-After` wins) — and must end in a documented answer that is not one of those within the
 * attempts. Against the in-process mock, the first attempt gets a 503 and the second a slow
 * answer, so both paths of the policy run.
 */
export function timeoutRetryCases(context: BuildContext): CategoryCases {
  const reads = context.operations.filter((op) => op.method === "get");
  const max = Math.min(3, context.limits.maxCasesPerCategory);
  const kept = spread(reads, max);
  const policy = context.limits.retry;
  const cases = kept.map((op: OperationDescriptor): GoldenCase => {
    const sample = sampleRequest(context.doc, context.validator, op);
    return {
      id: `timeouts-retries:${op.operationId}`,
      category: "timeouts-retries",
      name: `${label(op)} recovers under a ${policy.attemptTimeoutMs} ms timeout and ${policy.maxAttempts} attempts`,
      operation: op.operationId,
      async run(ctx) {
        const outcomes: string[] = [];
        for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
          let response: CaseResponse | undefined;
          try {
            response = await ctx.send({ ...sample.request, timeoutMs: policy.attemptTimeoutMs });
          } catch (error) {
            // A send without a response (timeout, reset) is a failure of the attempt, not of the case.
            if (ctx.signal.aborted) throw error;
            response = undefined;
          }
          if (!transient(response)) {
            if (!isDocumentedStatus(op, response!.status))
              return ctx.fail(
                `${label(op)} answered ${response!.status} after ${outcomes.join(", ") || "no retry"}, which is not documented`,
                {
                  pointer: "/response/status",
                  actual: response!.status,
                },
              );
            return;
          }
          outcomes.push(
            response ? String(response.status) : `no answer within ${policy.attemptTimeoutMs} ms`,
          );
          if (attempt === policy.maxAttempts) break;
          const told = retryAfterSeconds(response?.headers.get("retry-after") ?? null);
          await ctx.sleep(
            told !== undefined ? Math.min(told * 1000, 5000) : policy.initialDelayMs * 2 ** (attempt - 1),
          );
        }
        return ctx.fail(`${label(op)}: ${policy.maxAttempts} attempts all failed (${outcomes.join(", ")})`, {
          pointer: "/response/status",
        });
      },
    };
  });
  return { cases, omitted: reads.length - kept.length, none: "no GET operation" };
}
