import type { OperationDescriptor } from "@synapseops/core";
import { answersWithBody } from "../../_http";
import { unsatisfiableReason } from "../../schema/unsatisfiable";
import type { GoldenCase } from "../types";
import {
  type BuildContext,
  type CategoryCases,
  documentedResponse,
  expectBodyMatches,
  expectDocumentedStatus,
  label,
} from "./_context";
import { sampleRequest, spread } from "./_requests";

/**
 * How an `n/a` reason begins when the document contradicts itself (a schema that admits no
 * value): the corpus sweep counts such cases as the document's, and says so (issue 19).
 */
export const DOCUMENT_ERROR = "the document's own error";

/**
 * `schema`: a valid request per operation (sampled evenly, GETs first) must be answered with a
 * documented status whose documented JSON schema the body matches.
 */
export function schemaCases(context: BuildContext): CategoryCases {
  const { doc, validator } = context;
  const candidates = context.operations.filter((op) =>
    op.responses.some((r) => r.content.some((m) => /json/i.test(m.contentType) && m.schema !== undefined)),
  );
  // Reads first: they have no side effects on a partner's sandbox.
  const ordered = [
    ...candidates.filter((op) => op.method === "get"),
    ...candidates.filter((op) => op.method !== "get"),
  ];
  const kept = spread(ordered, context.limits.maxCasesPerCategory);
  const cases = kept.map((op): GoldenCase => {
    const sample = sampleRequest(doc, validator, op);
    const success = op.responses.find((r) => /^2/.test(r.status));
    const successSchema = success?.content.find((m) => /json/i.test(m.contentType))?.schema;
    const impossible = successSchema === undefined ? undefined : unsatisfiableReason(doc, successSchema);
    return {
      id: `schema:${op.operationId}`,
      category: "schema",
      name: `${label(op)} answers a documented status with a body matching its schema`,
      operation: op.operationId,
      ...(sample.satisfiable
        ? impossible
          ? { notApplicable: `${DOCUMENT_ERROR}: no body can match its success schema (${impossible})` }
          : {}
        : { notApplicable: "no request body satisfies the documented schema" }),
      async run(ctx) {
        const response = await ctx.send(sample.request);
        expectDocumentedStatus(ctx, op, response);
        checkDocumentedBody(ctx, op, response);
      },
    };
  });
  return {
    cases,
    omitted: candidates.length - kept.length,
    none: "no operation documents a JSON response schema",
  };

  function checkDocumentedBody(
    ctx: Parameters<NonNullable<GoldenCase["run"]>>[0],
    op: OperationDescriptor,
    response: Awaited<ReturnType<typeof ctx.send>>,
  ): void {
    const documented = documentedResponse(op, response.status);
    const media = documented?.content.find((m) => /json/i.test(m.contentType));
    if (media?.schema === undefined || response.status === 204 || !answersWithBody(op)) return;
    expectBodyMatches(ctx, validator, media.schema, response, `${label(op)} ${response.status}`);
  }
}
