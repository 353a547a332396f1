import type { OpenApiDocument } from "@synapseops/core";

type Obj = Record<string, unknown>;
const SCHEMA_REF = "#/components/schemas/";

/** A Python type expression for a schema (models referenced by name, `M.` prefixed when asked). */
export function pyType(
  doc: OpenApiDocument,
  schema: unknown,
  names: ReadonlyMap<string, string>,
  prefix: string,
  depth = 0,
): string {
  if (schema === null || typeof schema !== "object" || depth > 8) return "Any";
  const s = schema as Obj;
  if (typeof s.$ref === "string") {
    const name = s.$ref.startsWith(SCHEMA_REF) ? names.get(s.$ref.slice(SCHEMA_REF.length)) : undefined;
    return name ? `${prefix}${name}` : "Any";
  }
  if (Array.isArray(s.enum) && s.enum.every((v) => typeof v === "string"))
    return `Literal[${(s.enum as string[]).map((v) => JSON.stringify(v)).join(", ")}]`;
  for (const key of ["oneOf", "anyOf"]) {
    const branches = s[key];
    if (Array.isArray(branches) && branches.length > 0) {
      const types = [...new Set(branches.map((b) => pyType(doc, b, names, prefix, depth + 1)))];
      return types.includes("Any") ? "Any" : types.length === 1 ? types[0]! : `Union[${types.join(", ")}]`;
    }
  }
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type;
  let out: string;
  switch (type) {
    case "string":
      out = "str";
      break;
    case "integer":
      out = "int";
      break;
    case "number":
      out = "float";
      break;
    case "boolean":
      out = "bool";
      break;
    case "array":
      out = `List[${pyType(doc, s.items, names, prefix, depth + 1)}]`;
      break;
    case "object":
      out = "Dict[str, Any]";
      break;
    default:
      out = s.properties ? "Dict[str, Any]" : "Any";
  }
  const nullable = s.nullable === true || (Array.isArray(s.type) && s.type.includes("null"));
  return nullable && out !== "Any" ? `Optional[${out}]` : out;
}
