import { type OperationDescriptor, resolveRef } from "@synapseops/core";
import { versionParameter } from "../_features";
import type { GoldenCase } from "../types";
import { type BuildContext, type CategoryCases, label } from "./_context";
import { sampleRequest, spread, withBody } from "./_requests";

/** The field added to request bodies to check unknown fields are tolerated. */
export const UNKNOWN_FIELD = "synapseops_unknown_field";

/**
 * `versioning`: (1) per operation with a version header or query parameter whose value the
 * document gives (enum, default or example), a request pinning that version must be answered
 * with a documented non-4xx/5xx status, and a response that documents the same header must echo
 * it; (2) per operation with an object body whose schema admits unknown fields (no
 * `additionalProperties: false`), the valid body plus an unknown field must be answered like the
 * valid body (2xx): clients can send newer payloads to an older server.
 */
export function versioningCases(context: BuildContext): CategoryCases {
  const half = Math.max(1, Math.floor(context.limits.maxCasesPerCategory / 2));
  const versioned = context.operations.filter((op) => versionParameter(op));
  const keptVersioned = spread(versioned, half);
  const cases: GoldenCase[] = keptVersioned.map((op) => versionCase(context, op));
  const withBodies = context.operations.filter(
    (op) =>
      op.requestBody &&
      /json|form/i.test(op.requestBody.contentType) &&
      op.responses.some((r) => /^2/.test(r.status)),
  );
  let considered = 0;
  const tolerant: GoldenCase[] = [];
  for (const op of spread(withBodies, half * 4)) {
    if (tolerant.length >= context.limits.maxCasesPerCategory - cases.length) break;
    considered++;
    const made = unknownFieldCase(context, op);
    if (made) tolerant.push(made);
  }
  cases.push(...tolerant);
  return {
    cases,
    omitted: versioned.length - keptVersioned.length + Math.max(0, withBodies.length - considered),
    none: "no version parameter with a documented value and no request schema that admits unknown fields",
  };
}

function documentedValue(context: BuildContext, op: OperationDescriptor): string | undefined {
  const param = versionParameter(op)!;
  const schema = resolveRef<{ enum?: unknown[]; default?: unknown; example?: unknown }>(
    context.doc,
    param.schema,
  );
  const value = schema?.enum?.[0] ?? schema?.default ?? param.example ?? schema?.example;
  return value === undefined || value === null ? undefined : String(value);
}

function versionCase(context: BuildContext, op: OperationDescriptor): GoldenCase {
  const param = versionParameter(op)!;
  const value = documentedValue(context, op);
  const sample = sampleRequest(context.doc, context.validator, op);
  const base = {
    id: `versioning:${op.operationId}:${param.name}`,
    category: "versioning" as const,
    name: `${label(op)} honours the ${param.name} ${param.in === "header" ? "header" : "parameter"}`,
    operation: op.operationId,
  };
  if (value === undefined)
    return {
      ...base,
      notApplicable: `the document gives no value for ${param.name} (no enum, default or example)`,
    };
  if (!sample.satisfiable)
    return { ...base, notApplicable: "no request body satisfies the documented schema" };
  return {
    ...base,
    async run(ctx) {
      const request =
        param.in === "header"
          ? { ...sample.request, headers: { ...(sample.request.headers ?? {}), [param.name]: value } }
          : {
              ...sample.request,
              query: [
                ...(sample.request.query ?? []).filter(([n]) => n !== param.name),
                [param.name, value] as [string, string],
              ],
            };
      const response = await ctx.send(request);
      if (response.status >= 400)
        return ctx.fail(`${label(op)} with ${param.name}: ${value} was answered ${response.status}`, {
          pointer: "/response/status",
          actual: response.status,
        });
      const documented = op.responses.find((r) => r.status === String(response.status));
      const echoed = Object.keys(documented?.headers ?? {}).find(
        (h) => h.toLowerCase() === param.name.toLowerCase(),
      );
      if (echoed && response.headers.get(echoed) !== value)
        return ctx.fail(
          `${label(op)} answered ${echoed}: ${response.headers.get(echoed)}, the request asked for ${value}`,
          {
            pointer: `/response/headers/${echoed.toLowerCase()}`,
            expected: value,
            actual: response.headers.get(echoed),
          },
        );
    },
  };
}

function unknownFieldCase(context: BuildContext, op: OperationDescriptor): GoldenCase | undefined {
  const sample = sampleRequest(context.doc, context.validator, op);
  if (!sample.body || !sample.satisfiable) return undefined;
  const value = sample.body.value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const extended = { ...(value as Record<string, unknown>), [UNKNOWN_FIELD]: "tolerate me" };
  // Only where the document admits the field: a server refusing it then breaks its own contract.
  if (context.validator.validate(sample.body.schema, extended).length > 0) return undefined;
  return {
    id: `versioning:${op.operationId}:unknown-field`,
    category: "versioning",
    name: `${label(op)} tolerates an unknown request field`,
    operation: op.operationId,
    async run(ctx) {
      const plain = await ctx.send(sample.request);
      if (plain.status < 200 || plain.status >= 300)
        return ctx.skip(`the sample request was answered ${plain.status}, so there is nothing to compare`);
      const response = await ctx.send(withBody(sample, extended));
      if (response.status < 200 || response.status >= 300)
        return ctx.fail(
          `${label(op)} refused a body with the unknown field "${UNKNOWN_FIELD}" (${response.status}); the schema admits it`,
          {
            pointer: `/request/body/${UNKNOWN_FIELD}`,
            expected: plain.status,
            actual: response.status,
          },
        );
    },
  };
}
