import { type OpenApiDocument, resolveRef } from "@synapseops/core";
import { isBinarySchema } from "../../schema/binary";

/** The fixed boundary of generated multipart samples: stable output, and no sample contains it. */
export const SAMPLE_BOUNDARY = "synapseops-sample-boundary-7f3a9c";

/**
 * A multipart/form-data sample body (RFC 7578) for an object value: binary fields (3.0
 * `format: binary`, 3.1 `contentMediaType`) as file parts with a filename, objects as JSON
 * parts, arrays as repeated parts, scalars as text (issue 19: contract tests sent no body).
 */
export function multipartSample(
  doc: OpenApiDocument,
  schema: unknown,
  value: unknown,
): { body: string; contentType: string } {
  const properties =
    (resolveRef<{ properties?: Record<string, unknown> }>(doc, schema)?.properties as
      | Record<string, unknown>
      | undefined) ?? {};
  const parts: string[] = [];
  const object =
    value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  for (const [name, field] of Object.entries(object)) {
    const fieldSchema = resolveRef<Record<string, unknown>>(doc, properties[name]);
    const itemSchema = resolveRef<unknown>(doc, fieldSchema?.items);
    const items = Array.isArray(field) && fieldSchema?.type === "array" ? field : [field];
    for (const item of items) {
      if (item === undefined || item === null) continue;
      const binary = isBinarySchema(Array.isArray(field) ? itemSchema : fieldSchema);
      const quoted = name.replace(/"/g, "%22").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
      let head = `Content-Disposition: form-data; name="${quoted}"`;
      let content: string;
      if (binary) {
        head += `; filename="${quoted}.bin"\r\nContent-Type: application/octet-stream`;
        content = typeof item === "string" && item !== "" ? item : "sample";
      } else if (typeof item === "object") {
        head += "\r\nContent-Type: application/json";
        content = JSON.stringify(item);
      } else content = String(item);
      parts.push(`--${SAMPLE_BOUNDARY}\r\n${head}\r\n\r\n${content}\r\n`);
    }
  }
  return {
    body: `${parts.join("")}--${SAMPLE_BOUNDARY}--\r\n`,
    contentType: `multipart/form-data; boundary=${SAMPLE_BOUNDARY}`,
  };
}
