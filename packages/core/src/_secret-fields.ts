import type { z } from "zod";
import { ErrorCode, ValidationError } from "./errors";
import { parseSecretField, type SecretFieldPath } from "./redaction/config-secrets";

interface SchemaDef {
  type: string;
  innerType?: { _zod: { def: SchemaDef } };
  shape?: Record<string, { _zod: { def: SchemaDef } }>;
}

/**
 * Whether a path names a field of the schema. Wrappers (optional, default, nullable…) are looked
 * through; below a shape that is not an object (a record, a union) any key may exist, so it passes.
 */
function schemaHasField(schema: z.ZodType, path: SecretFieldPath): boolean {
  let def = schema._zod.def as unknown as SchemaDef;
  for (const segment of path) {
    while (def.innerType !== undefined) def = def.innerType._zod.def;
    if (def.type !== "object" || def.shape === undefined || segment === "*") return true;
    const field = def.shape[segment];
    if (field === undefined) return false;
    def = field._zod.def;
  }
  return true;
}

/**
 * A connector's secret fields, parsed and checked against its config schema, so a typo fails
 * when the connector is defined instead of leaving a secret in clear.
 * @throws ValidationError `CONNECTOR_INVALID` at `/secretFields/<i>` for a bad or unknown field.
 */
export function connectorSecretFields(
  type: string,
  schema: z.ZodType,
  pointers: readonly string[],
): SecretFieldPath[] {
  return pointers.map((pointer, index) => {
    const where = `/secretFields/${index}`;
    let path: SecretFieldPath;
    try {
      path = parseSecretField(pointer, `connector "${type}"`);
    } catch (error) {
      throw new ValidationError((error as Error).message, { code: ErrorCode.CONNECTOR_INVALID, path: where });
    }
    if (!schemaHasField(schema, path)) {
      throw new ValidationError(
        `connector "${type}": secret field "${pointer}" is not a field of its config schema`,
        {
          code: ErrorCode.CONNECTOR_INVALID,
          path: where,
        },
      );
    }
    return path;
  });
}
