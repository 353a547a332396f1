import type { OperationDescriptor } from "@synapseops/core";

/**
 * Whether an operation documents no answer but 5xx (appwrite's health checks document only
 * `500`): a mock that keeps to the document answers 5xx there. The sweep counts such answers as
 * the document's, apart from the mock's own 5xx (crashes, which must be 0), and lists the
 * documents, so neither is hidden (issue 19).
 */
export function documentsOnly5xx(operation: OperationDescriptor | undefined): boolean {
  const statuses = operation?.responses.map((r) => r.status.toUpperCase()) ?? [];
  return statuses.length > 0 && statuses.every((s) => /^5(\d\d|XX)$/.test(s));
}

/** A check's 5xx answers split into the mock's own and those the document declares as the only answer. */
export interface FiveXx {
  mock5xx: number;
  documented5xx: number;
}
