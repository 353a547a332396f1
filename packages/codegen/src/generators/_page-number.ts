import {
  type OpenApiDocument,
  type OperationDescriptor,
  type ParameterDescriptor,
  resolveRef,
} from "@synapseops/core";

/**
 * The `page` query parameter a generated page-number iterator may count with, if any: one whose
 * schema is a plain integer (or number). A `page` typed `string` (domainsdb) or `integer | object`
 * (pandascore's `page[number]` form) cannot take `page + 1`, so those operations get no iterator
 * rather than SDK code that does not compile (issue 19). One rule for the TS and Python SDKs.
 */
export function pageNumberParameter(
  doc: OpenApiDocument,
  op: OperationDescriptor,
): ParameterDescriptor | undefined {
  const page = op.parameters.find((p) => p.in === "query" && p.name === "page");
  const type = resolveRef<{ type?: unknown }>(doc, page?.schema)?.type;
  return type === "integer" || type === "number" ? page : undefined;
}
