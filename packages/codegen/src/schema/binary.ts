type Obj = Record<string, unknown>;

/**
 * Whether a schema is a file: `format: binary` (3.0) or a `contentMediaType` that is not text or
 * JSON (3.1, where `format: binary` is gone). Every output treats it alike (issue 19): `Blob` in
 * the TS SDK, `FileContent` in the Python SDK, a `file` field in Postman, a file part in
 * contract tests.
 */
export function isBinarySchema(schema: unknown): boolean {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return false;
  const s = schema as Obj;
  if (s.format === "binary") return true;
  const media = s.contentMediaType;
  return typeof media === "string" && !/^text\/|json/i.test(media) && s.contentEncoding !== "base64";
}
