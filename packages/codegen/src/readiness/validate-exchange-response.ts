import type {
  ConformanceProblem,
  OpenApiDocument,
  OperationDescriptor,
  ResponseDescriptor,
} from "@synapseops/core";
import { findMedia } from "../_http";
import { coerceValue } from "../mock/coerce";
import { toHeaders } from "./validate-exchange-http";
import { type DocumentSchemas, escapeSegment } from "./validate-exchange-schemas";
import type { ExchangeResponse } from "./validate-exchange-types";

/**
 * Checks a response against the operation's documented responses: the status (exact, then
 * `4XX`-style ranges, then `default`), required headers and their schemas, and the body against
 * the schema of its content type. Problems are appended to `problems`.
 */
export function checkResponse(
  doc: OpenApiDocument,
  schemas: DocumentSchemas,
  operation: OperationDescriptor,
  response: ExchangeResponse,
  problems: ConformanceProblem[],
): void {
  const documented = documentedResponse(operation, response.status);
  const responsesAt = `#${operation.pointer}/responses`;
  if (!documented) {
    problems.push({
      pointer: "/response/status",
      documentPointer: responsesAt,
      code: "status-undocumented",
      message: `status ${response.status} is not documented for ${operation.operationId} (documented: ${operation.responses.map((r) => r.status).join(", ") || "none"})`,
    });
    return;
  }
  const at = `${responsesAt}/${escapeSegment(documented.status)}`;
  const headers = toHeaders(response.headers);
  for (const [name, header] of Object.entries(documented.headers)) {
    const pointer = `/response/headers/${escapeSegment(name.toLowerCase())}`;
    const raw = headers.get(name);
    if (raw === null) {
      if (header.required)
        problems.push({
          pointer,
          documentPointer: `${at}/headers/${escapeSegment(name)}/required`,
          code: "required",
          message: `${pointer} is required for status ${documented.status}`,
        });
      continue;
    }
    if (header.schema !== undefined)
      problems.push(...schemas.check(header.schema)(coerceValue(doc, header.schema, raw), pointer));
  }
  if (documented.content.length === 0 || response.body === undefined || response.body === "") return;
  const type =
    headers.get("content-type")?.split(";")[0]?.trim().toLowerCase() ?? documented.content[0]!.contentType;
  const media = findMedia(documented.content, type);
  if (!media) {
    problems.push({
      pointer: "/response/headers/content-type",
      documentPointer: `${at}/content`,
      code: "content-type",
      message: `response content type "${type}" is not one of ${documented.content.map((m) => m.contentType).join(", ")}`,
    });
    return;
  }
  if (!/json/.test(type) || media.schema === undefined) return;
  let body = response.body;
  if (typeof body === "string") {
    try {
      body = JSON.parse(body);
    } catch (error) {
      problems.push({
        pointer: "/response/body",
        code: "json",
        message: `/response/body is not valid JSON: ${(error as Error).message}`,
      });
      return;
    }
  }
  problems.push(...schemas.check(media.schema)(body, "/response/body"));
}

/** The documented response for a status: exact (`404`), then the range (`4XX`), then `default`. */
export function documentedResponse(
  operation: OperationDescriptor,
  status: number,
): ResponseDescriptor | undefined {
  const code = String(status);
  return (
    operation.responses.find((r) => r.status === code) ??
    operation.responses.find((r) => r.status.toUpperCase() === `${code[0]}XX`) ??
    operation.responses.find((r) => r.status === "default")
  );
}
