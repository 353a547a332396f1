import { randomUUID } from "node:crypto";
import type { OperationDescriptor } from "@synapseops/core";
import { idempotencyHeader } from "../_features";
import type { GoldenCase } from "../types";
import { type BuildContext, type CategoryCases, label } from "./_context";
import { firstDifference } from "./_diff";
import { sampleRequest, spread, withBody } from "./_requests";

/** Statuses that say "this key was used with another request" (IETF idempotency-key draft §2.7; Stripe: 400). */
const CONFLICT_STATUSES = [400, 409, 422];

/**
 * `idempotency`: for operations that declare an `Idempotency-Key` header (or, when the profile
 * marks the category required and none declares it, POSTs with a body): the same request twice
 * under one key must get the same status and body; another body under the same key must be
 * refused as a conflict (409/422, or 400).
 */
export function idempotencyCases(context: BuildContext): CategoryCases {
  const declaring = context.operations.filter((op) => idempotencyHeader(op));
  const candidates =
    declaring.length > 0 || context.profile.categories.idempotency.requirement !== "required"
      ? declaring
      : context.operations.filter((op) => op.method === "post" && op.requestBody);
  // A replay is only comparable for operations that can succeed.
  const succeeding = candidates.filter((op) => op.responses.some((r) => /^2/.test(r.status)));
  const kept = spread(succeeding, context.limits.maxCasesPerCategory);
  const cases = kept.map((op) => idempotencyCase(context, op));
  return {
    cases,
    omitted: succeeding.length - kept.length,
    none: "no operation declares an Idempotency-Key header (mark the category required to test POSTs)",
  };
}

function idempotencyCase(context: BuildContext, op: OperationDescriptor): GoldenCase {
  const sample = sampleRequest(context.doc, context.validator, op);
  const header = idempotencyHeader(op)?.name ?? "Idempotency-Key";
  const other = differentBody(sample.body?.value);
  return {
    id: `idempotency:${op.operationId}`,
    category: "idempotency",
    name: `${label(op)} replays the same ${header} and refuses it with another body`,
    operation: op.operationId,
    ...(sample.satisfiable ? {} : { notApplicable: "no request body satisfies the documented schema" }),
    async run(ctx) {
      const key = `synapseops-${randomUUID()}`;
      const headers = { ...(sample.request.headers ?? {}), [header]: key };
      const first = await ctx.send({ ...sample.request, headers });
      if (first.status < 200 || first.status >= 300)
        return ctx.skip(`the sample request was answered ${first.status}, so there is no result to replay`);
      const second = await ctx.send({ ...sample.request, headers });
      if (second.status !== first.status)
        return ctx.fail(
          `${label(op)}: the repeated ${header} was answered ${second.status}, the first request ${first.status}`,
          {
            pointer: "/response/status",
            expected: first.status,
            actual: second.status,
          },
        );
      const where = firstDifference(first.json ?? first.text, second.json ?? second.text);
      if (where !== undefined)
        return ctx.fail(
          `${label(op)}: the repeated ${header} did not replay the first result (the body differs at ${where})`,
          {
            pointer: `/response/body${where === "/" ? "" : where}`,
          },
        );
      if (other === undefined) return;
      const conflict = await ctx.send({ ...withBody(sample, other), headers });
      if (!CONFLICT_STATUSES.includes(conflict.status))
        return ctx.fail(
          `${label(op)}: the same ${header} with another body was answered ${conflict.status}, not a conflict`,
          {
            pointer: "/response/status",
            expected: CONFLICT_STATUSES,
            actual: conflict.status,
          },
        );
    },
  };
}

/** The body with one value changed (a string gets a suffix, a number +1), or an extra field. */
function differentBody(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const body = value as Record<string, unknown>;
  for (const [field, current] of Object.entries(body)) {
    if (typeof current === "string") return { ...body, [field]: `${current}-changed` };
    if (typeof current === "number") return { ...body, [field]: current + 1 };
  }
  return { ...body, synapseops_changed: true };
}
