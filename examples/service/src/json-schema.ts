import { z } from "zod";

/** A JSON Schema as a plain object. */
export type JsonSchema = Record<string, unknown>;

/**
 * A zod schema as a JSON Schema both Fastify's Ajv (draft-07) and OpenAPI 3.1 (2020-12) read:
 * the request schemas use only keywords the two drafts share, and `$schema` is dropped because
 * each document declares its own dialect.
 */
export function toJsonSchema(schema: z.ZodType, io: "input" | "output" = "input"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    target: io === "input" ? "draft-7" : "draft-2020-12",
    unrepresentable: "any",
  }) as JsonSchema;
  return rest;
}
