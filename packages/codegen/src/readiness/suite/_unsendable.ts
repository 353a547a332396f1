import type { OperationDescriptor } from "@synapseops/core";
import { fragmentPathParameters } from "../../_http";
import type { GoldenCase } from "../types";
import { DOCUMENT_ERROR } from "./schema";

/**
 * Marks `n/a` the cases of operations the suite cannot send: a method fetch forbids, and
 * documented path parameters no request can carry
 * ({@link fragmentPathParameters}): every such request reaches another path than documented, so
 * no server can pass them — the document's own error, counted and named as such (issue 19).
 */
export function markUnsendable(
  cases: GoldenCase[],
  operations: readonly OperationDescriptor[],
): GoldenCase[] {
  return cases.map((goldenCase) => {
    const op = operations.find((o) => o.operationId === goldenCase.operation);
    // fetch refuses these methods (Fetch standard, "forbidden method"): httpbin documents TRACE.
    if (op && /^(connect|trace|track)$/i.test(op.method) && goldenCase.notApplicable === undefined)
      return { ...goldenCase, notApplicable: `fetch cannot send a ${op.method.toUpperCase()} request` };
    const lost = op ? fragmentPathParameters(op) : [];
    if (!op || lost.length === 0 || goldenCase.notApplicable !== undefined) return goldenCase;
    return {
      ...goldenCase,
      notApplicable: `${DOCUMENT_ERROR}: ${op.path} puts path parameter${lost.length > 1 ? "s" : ""} ${lost.join(", ")} after its "#", in a fragment no client sends`,
    };
  });
}
