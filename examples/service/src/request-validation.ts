import { Ajv } from "ajv";
import type { FastifySchemaCompiler } from "fastify";

/**
 * Fastify's default Ajv coerces types everywhere, which turns a body's `"records": "x"` into
 * `["x"]`. Query strings and path parameters arrive as text and need coercion to integers;
 * JSON bodies carry their own types and must not be coerced. Every problem is reported at once.
 */
const forText = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true, strict: false });
const forJson = new Ajv({ allErrors: true, coerceTypes: false, useDefaults: true, strict: false });

/** Compiles a route's schema with the Ajv that fits the request part. */
export const requestValidatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (httpPart === "body" ? forJson : forText).compile(schema as object);
