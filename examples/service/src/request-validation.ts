import { Ajv } from "ajv";
import type { FastifySchemaCompiler } from "fastify";

/**
 * Fastify's default Ajv coerces types everywhere, which turns a body's `"records": "x"` into
 * `["x"]`. Query strings and path parameters arrive as text and need coercion to integers;
 * JSON bodies carry their own types and must not be coerced. Every problem is reported at once.
 * Formats (`uri`, `date-time`) are left to the library's own schemas, which check them and point
 * at the field; Ajv would only warn that it does not know them.
 */
const common = { allErrors: true, useDefaults: true, strict: false, validateFormats: false } as const;
const forText = new Ajv({ ...common, coerceTypes: true });
const forJson = new Ajv({ ...common, coerceTypes: false });

/** Compiles a route's schema with the Ajv that fits the request part. */
export const requestValidatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (httpPart === "body" ? forJson : forText).compile(schema as object);
