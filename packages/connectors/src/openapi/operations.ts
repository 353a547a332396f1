import { listOperations, type OpenApiDocument, type OperationDescriptor } from "@synapseops/core";
import type { BodyType } from "../http/config";

/** An operation as the openapi connector calls it. */
export interface OpenApiOperation {
  operationId: string;
  method: Uppercase<OperationDescriptor["method"]>;
  path: string;
  /** The loader's full descriptor (parameters, request body, responses, security, servers). */
  descriptor: OperationDescriptor;
  /** How the request body is sent, or why it cannot be (multipart, binary). */
  body: { type: BodyType; contentType: string } | { unsupported: string } | undefined;
}

/** Every operation of a document, by operationId. */
export function describeOperations(doc: OpenApiDocument): Map<string, OpenApiOperation> {
  const operations = new Map<string, OpenApiOperation>();
  for (const descriptor of listOperations(doc)) {
    operations.set(descriptor.operationId, {
      operationId: descriptor.operationId,
      method: descriptor.method.toUpperCase() as OpenApiOperation["method"],
      path: descriptor.path,
      descriptor,
      body:
        descriptor.requestBody === undefined ? undefined : bodyEncoding(descriptor.requestBody.contentType),
    });
  }
  return operations;
}

function bodyEncoding(contentType: string): OpenApiOperation["body"] {
  const media = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (media === "application/json" || media.endsWith("+json") || media === "*/*") {
    return { type: "json", contentType: media === "*/*" ? "application/json" : contentType };
  }
  if (media === "application/x-www-form-urlencoded") return { type: "form", contentType };
  if (media.startsWith("text/")) return { type: "text", contentType };
  return { unsupported: `request bodies of type ${contentType} are not supported yet` };
}
