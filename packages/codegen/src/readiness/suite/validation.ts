import type { OperationDescriptor } from "@synapseops/core";
import { sentPath, templateQueryNames } from "../../_http";
import { parameterSample, queryPairs } from "../../generators/postman/_request";
import type { CaseContext, CaseRequest, CaseResponse, GoldenCase } from "../types";
import { type BuildContext, type CategoryCases, documentedResponse, label } from "./_context";
import { bodyMutations } from "./_mutations";
import { apiKeyParameters, type SampleRequest, sampleRequest, serialiseBody, spread } from "./_requests";

/** Refusals that are not about the request's validity. */
const OTHER_REFUSALS = [401, 403, 404, 429];

/** One invalid request and what it breaks. */
export interface InvalidRequest {
  what: string;
  /** Where the request breaks the document: `/request/body/name`, `/request/query/limit`. */
  pointer: string;
  request: CaseRequest;
}

/**
 * Invalid variants of an operation's valid sample request: body mutations (missing required
 * field, wrong type, enum violation) and a required query parameter left out. Empty when the
 * operation takes nothing that can be wrong.
 */
export function invalidRequests(
  context: BuildContext,
  op: OperationDescriptor,
  sample: SampleRequest,
): InvalidRequest[] {
  const out: InvalidRequest[] = [];
  if (sample.body && sample.satisfiable) {
    for (const mutation of bodyMutations(
      context.doc,
      context.validator,
      sample.body.schema,
      sample.body.value,
      sample.body.kind,
    )) {
      const what =
        mutation.kind === "missing-required"
          ? `a body without the required field "${mutation.field}"`
          : mutation.kind === "wrong-type"
            ? `a body whose "${mutation.field}" has the wrong type`
            : `a body whose "${mutation.field}" is not one of its enum values`;
      const body = serialiseBody(sample.body.kind, mutation.value);
      // A form body whose other fields encode to nothing (`Data: {}`) is no body at all, which
      // an optional body may be (Twilio; issue 19): not an invalid request.
      if (body === "" && op.requestBody?.required !== true) continue;
      out.push({ what, pointer: `/request/body/${mutation.field}`, request: { ...sample.request, body } });
    }
  }
  // A required query parameter that is the operation's API key comes with the credential.
  const keys = apiKeyParameters(context.doc, op);
  // One the path template fills (medium's `?query={query}`) cannot be left out without another path.
  const inTemplate = templateQueryNames(op.path);
  const required = op.parameters.find(
    (p) => p.in === "query" && p.required && !keys.has(`query:${p.name}`) && !inTemplate.has(p.name),
  );
  if (required && !hasSibling(context, op)) {
    // The pairs it was sent as: an exploded object is one per property, none named after it.
    const sentAs = new Set([
      required.name,
      ...queryPairs(
        required.name,
        parameterSample(context.doc, context.validator, required),
        required.style,
        required.explode,
      ).map(([key]) => key),
    ]);
    out.push({
      what: `no required query parameter "${required.name}"`,
      pointer: `/request/query/${required.name}`,
      request: {
        ...sample.request,
        query: (sample.request.query ?? []).filter(([name]) => !sentAs.has(name)),
      },
    });
  }
  return out;
}

/**
 * Whether another operation has the same method and the same path once the template's fragment
 * and query are set aside (box's `PUT /files/{file_id}#remove_shared_link` beside `PUT
 * /files/{file_id}`, obs's `…/{file_name}?view=fileinfo`, chime's `#operation=…`): a request
 * leaving out a required query parameter is then a valid request to the sibling, which a server
 * (and the mock) rightly answers 200 — no refusal is owed (issue 19).
 */
function hasSibling(context: BuildContext, op: OperationDescriptor): boolean {
  const bare = (path: string): string => sentPath(path).split("?")[0]!;
  return context.operations.some(
    (other) => other !== op && other.method === op.method && bare(other.path) === bare(op.path),
  );
}

/** Fails unless an invalid request got a 4xx that is documented (when the operation documents any 4xx). */
export function expectRejected(
  ctx: CaseContext,
  op: OperationDescriptor,
  invalid: InvalidRequest,
  response: CaseResponse,
): void {
  // 401/403/404/429 say something else than "invalid": documenting them names no refusal.
  const documents4xx = op.responses.some(
    (r) => /^(4\d\d|4XX)$/i.test(r.status) && !OTHER_REFUSALS.includes(Number(r.status)),
  );
  const refused =
    response.status >= 400 && response.status < 500 && !OTHER_REFUSALS.includes(response.status);
  if (!refused || (documents4xx && !documentedResponse(op, response.status)))
    ctx.fail(`${label(op)} with ${invalid.what} answered ${response.status}, not a documented 4xx`, {
      pointer: "/response/status",
      expected: documents4xx
        ? op.responses
            .filter((r) => /^(4|default)/i.test(r.status) && !OTHER_REFUSALS.includes(Number(r.status)))
            .map((r) => r.status)
        : "4xx",
      actual: response.status,
    });
}

/**
 * `validation`: per operation, each invalid variant of its valid request (missing required
 * field, wrong type, enum violation, missing required query parameter) must be refused with a
 * documented 4xx (401/403/404/429 do not count: they say something else).
 */
export function validationCases(context: BuildContext): CategoryCases {
  const candidates = context.operations.filter(
    (op) => op.parameters.some((p) => p.in === "query" && p.required) || op.requestBody?.schema !== undefined,
  );
  const cases: GoldenCase[] = [];
  let considered = 0;
  // Not every candidate yields an invalid variant the schema itself rejects: walk until the cap.
  for (const op of spread(candidates, context.limits.maxCasesPerCategory * 4)) {
    if (cases.length >= context.limits.maxCasesPerCategory) break;
    considered++;
    const sample = sampleRequest(context.doc, context.validator, op);
    const invalid = invalidRequests(context, op, sample);
    if (invalid.length === 0) continue;
    cases.push({
      id: `validation:${op.operationId}`,
      category: "validation",
      name: `${label(op)} refuses ${invalid.map((i) => i.what).join("; ")}`,
      operation: op.operationId,
      async run(ctx) {
        for (const variant of invalid) expectRejected(ctx, op, variant, await ctx.send(variant.request));
      },
    });
  }
  return {
    cases,
    omitted: Math.max(0, candidates.length - considered),
    none: "no operation has a required query parameter or a body the schema can reject",
  };
}
