import type { OperationDescriptor } from "@synapseops/core";
import { documentsErrorBody, errorResponse } from "../_features";
import type { CaseRequest, GoldenCase } from "../types";
import { type BuildContext, type CategoryCases, expectBodyMatches, label } from "./_context";
import { sampleRequest, spread } from "./_requests";
import { invalidRequests } from "./validation";

/** RFC 9457 §3.1: the members a problem details object may have, with their types. */
const PROBLEM_MEMBERS: Record<string, string> = {
  type: "string",
  title: "string",
  status: "number",
  detail: "string",
  instance: "string",
};

/**
 * `errors`: per operation documenting an error body, an error is provoked (an invalid request,
 * else a request without credentials) and the error response must carry the body documented
 * for its status (the status's own, `4XX`, else `default`): its schema matches, a documented
 * `application/problem+json` comes with that content type, and a problem body's standard members
 * have RFC 9457 types.
 */
export function errorCases(context: BuildContext): CategoryCases {
  const candidates = context.operations.filter(documentsErrorBody);
  const cases: GoldenCase[] = [];
  let considered = 0;
  for (const op of spread(candidates, context.limits.maxCasesPerCategory * 4)) {
    if (cases.length >= context.limits.maxCasesPerCategory) break;
    considered++;
    const provoke = provocation(context, op);
    if (!provoke) continue;
    cases.push({
      id: `errors:${op.operationId}`,
      category: "errors",
      name: `${label(op)} answers ${provoke.what} with its documented error body`,
      operation: op.operationId,
      async run(ctx) {
        const response = await ctx.send(provoke.request);
        if (response.status < 400)
          return ctx.skip(
            `${provoke.what} was answered ${response.status}, so there is no error body to check`,
          );
        const documented = errorResponse(op, response.status);
        if (!documented) return ctx.skip(`status ${response.status} documents no error body`);
        const what = `${label(op)} ${response.status}`;
        const contentType = response.headers.get("content-type") ?? "";
        if (/problem\+json/i.test(documented.contentType) && !/problem\+json/i.test(contentType))
          return ctx.fail(
            `${what}: content type "${contentType}", the document says ${documented.contentType}`,
            {
              pointer: "/response/headers/content-type",
              expected: documented.contentType,
              actual: contentType,
            },
          );
        expectBodyMatches(ctx, context.validator, documented.schema, response, what);
        if (/problem\+json/i.test(contentType) && response.json && typeof response.json === "object") {
          for (const [member, type] of Object.entries(PROBLEM_MEMBERS)) {
            const value = (response.json as Record<string, unknown>)[member];
            if (value !== undefined && typeof value !== type)
              return ctx.fail(
                `${what}: problem member "${member}" is a ${typeof value}, RFC 9457 says ${type}`,
                {
                  pointer: `/response/body/${member}`,
                },
              );
          }
        }
      },
    });
  }
  return {
    cases,
    omitted: Math.max(0, candidates.length - considered),
    none: "no operation documents an error body an invalid or unauthenticated request can bring",
  };
}

/** A request that should fail with a documented error body, or undefined. */
function provocation(
  context: BuildContext,
  op: OperationDescriptor,
): { what: string; request: CaseRequest } | undefined {
  const sample = sampleRequest(context.doc, context.validator, op);
  const invalid = invalidRequests(context, op, sample)[0];
  if (invalid && errorResponse(op, 400)) return { what: invalid.what, request: invalid.request };
  if (
    op.security.length > 0 &&
    !op.security.some((req) => Object.keys(req).length === 0) &&
    errorResponse(op, 401)
  )
    return { what: "a request without credentials", request: { ...sample.request, credentials: false } };
  return undefined;
}
