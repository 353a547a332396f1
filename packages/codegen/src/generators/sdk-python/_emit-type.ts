import { type OpenApiDocument, resolveRef } from "@synapseops/core";
import { isBinarySchema } from "../../schema/binary";
import { NameAllocator, pascalCase } from "../../schema/names";

type Obj = Record<string, unknown>;
const SCHEMA_REF = "#/components/schemas/";
/** Names `models.py` imports or defines itself: no model may take them. */
export const MODELS_RESERVED = [
  "Any",
  "Dict",
  "List",
  "Literal",
  "NotRequired",
  "Optional",
  "Required",
  "TypeAlias",
  "TypedDict",
  "Union",
  "FileContent",
  "M",
];

/** One TypedDict field: its JSON key, Python type and whether it must be present. */
export interface PyField {
  key: string;
  type: string;
  required: boolean;
  description?: string;
}

/** A model of `models.py`: a TypedDict (fields) or a type alias. */
export interface PyModel {
  name: string;
  description?: string;
  fields?: PyField[];
  alias?: string;
}

function isObj(value: unknown): value is Obj {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * The models of one Python SDK: component schemas by stable names, plus inline object schemas
 * hoisted into TypedDicts of their own (named after where they appear) so that no shape is
 * `Dict[str, Any]` when the document describes it. `allOf` branches are merged into one TypedDict.
 */
export class PyModels {
  readonly names = new Map<string, string>();
  private readonly allocator = new NameAllocator(MODELS_RESERVED);
  private readonly hoisted = new WeakMap<object, string>();
  private readonly queue: { name: string; schema: Obj }[] = [];

  constructor(private readonly doc: OpenApiDocument) {
    for (const raw of Object.keys((doc.components?.schemas ?? {}) as object))
      this.names.set(raw, this.allocator.allocate(pascalCase(raw)));
  }

  /**
   * A Python type expression for a schema. `prefix` is `M.` in `client.py`; model names are bare
   * in `models.py`. `hint` names a hoisted inline object (`CreatePetBody`).
   */
  type(schema: unknown, hint: string, prefix: string, depth = 0): string {
    if (!isObj(schema) || depth > 12) return "Any";
    if (typeof schema.$ref === "string") {
      const name = schema.$ref.startsWith(SCHEMA_REF)
        ? this.names.get(
            decodeURIComponent(schema.$ref.slice(SCHEMA_REF.length)).replace(/~1/g, "/").replace(/~0/g, "~"),
          )
        : undefined;
      if (name) return `${prefix}${name}`;
      const target = resolveRef<unknown>(this.doc, schema);
      return target === schema ? "Any" : this.type(target, hint, prefix, depth + 1);
    }
    const nullable =
      schema.nullable === true ||
      (Array.isArray(schema.type) && schema.type.includes("null")) ||
      (Array.isArray(schema.enum) && schema.enum.includes(null));
    const inner = this.nonNull(schema, hint, prefix, depth);
    return nullable && inner !== "Any" && inner !== "None" && !inner.startsWith("Optional[")
      ? `Optional[${inner}]`
      : inner;
  }

  private nonNull(s: Obj, hint: string, prefix: string, depth: number): string {
    if (
      "const" in s &&
      (typeof s.const === "string" || typeof s.const === "number" || typeof s.const === "boolean")
    )
      return literal([s.const]) ?? "Any";
    if (Array.isArray(s.enum)) {
      const values = s.enum.filter((v) => v !== null);
      const lit = literal(values);
      if (lit) return lit;
    }
    if (isBinarySchema(s)) return "FileContent";
    for (const key of ["oneOf", "anyOf"]) {
      const branches = s[key];
      if (Array.isArray(branches) && branches.length > 0) {
        const types = unique(
          branches.map((b, i) =>
            this.type(b, `${hint}${branches.length > 1 ? `Option${i + 1}` : ""}`, prefix, depth + 1),
          ),
        );
        if (types.includes("Any")) return "Any";
        return types.length === 1 ? types[0]! : `Union[${types.join(", ")}]`;
      }
    }
    if (Array.isArray(s.allOf) && s.allOf.length > 0) {
      if (s.allOf.length === 1 && !s.properties) return this.type(s.allOf[0], hint, prefix, depth + 1);
      return this.hoist(s, hint, prefix);
    }
    const types = Array.isArray(s.type) ? s.type.filter((t) => t !== "null") : [s.type];
    if (types.length > 1)
      return `Union[${unique(types.map((t) => this.byType({ ...s, type: t }, t, hint, prefix, depth))).join(", ")}]`;
    return this.byType(s, types[0], hint, prefix, depth);
  }

  private byType(s: Obj, type: unknown, hint: string, prefix: string, depth: number): string {
    switch (type) {
      case "string":
        return "str";
      case "integer":
        return "int";
      case "number":
        return "float";
      case "boolean":
        return "bool";
      case "null":
        return "None";
      case "array":
        return `List[${this.type(s.items, `${hint}Item`, prefix, depth + 1)}]`;
      default:
        if (isObj(s.properties) && Object.keys(s.properties).length > 0) return this.hoist(s, hint, prefix);
        if (type === "object" || s.additionalProperties !== undefined) {
          const extra = s.additionalProperties;
          return `Dict[str, ${isObj(extra) ? this.type(extra, `${hint}Value`, prefix, depth + 1) : "Any"}]`;
        }
        return "Any";
    }
  }

  /** An inline object (or allOf) hoisted into a named TypedDict of `models.py`. */
  private hoist(schema: Obj, hint: string, prefix: string): string {
    let name = this.hoisted.get(schema);
    if (!name) {
      name = this.allocator.allocate(pascalCase(hint || "Inline"));
      this.hoisted.set(schema, name);
      this.queue.push({ name, schema });
    }
    return `${prefix}${name}`;
  }

  /** Properties and required keys of an object schema, `allOf` branches merged (refs followed). */
  merged(
    schema: unknown,
    seen = new Set<unknown>(),
  ): { props: Record<string, unknown>; required: Set<string> } {
    const props: Record<string, unknown> = {};
    const required = new Set<string>();
    const s = resolveRef<unknown>(this.doc, schema);
    if (!isObj(s) || seen.has(s)) return { props, required };
    seen.add(s);
    for (const branch of Array.isArray(s.allOf) ? s.allOf : []) {
      const part = this.merged(branch, seen);
      Object.assign(props, part.props);
      for (const key of part.required) required.add(key);
    }
    if (isObj(s.properties)) Object.assign(props, s.properties);
    if (Array.isArray(s.required))
      for (const key of s.required) if (typeof key === "string") required.add(key);
    return { props, required };
  }

  /** Every model of `models.py`: component schemas, then hoisted inline objects (drained as found). */
  models(): PyModel[] {
    const out: PyModel[] = [];
    const schemas = (this.doc.components?.schemas ?? {}) as Record<string, unknown>;
    for (const [raw, schema] of Object.entries(schemas)) {
      const name = this.names.get(raw)!;
      const s = resolveRef<unknown>(this.doc, schema);
      const description = isObj(s) && typeof s.description === "string" ? s.description : undefined;
      const objectLike =
        isObj(s) &&
        !s.oneOf &&
        !s.anyOf &&
        ((isObj(s.properties) && Object.keys(s.properties).length > 0) ||
          (Array.isArray(s.allOf) && s.allOf.length > 1));
      if (objectLike) out.push({ name, description, fields: this.fields(s, name) });
      else out.push({ name, description, alias: this.type(s, name, "") });
    }
    for (let i = 0; i < this.queue.length; i++) {
      const { name, schema } = this.queue[i]!;
      out.push({
        name,
        description: typeof schema.description === "string" ? schema.description : undefined,
        fields: this.fields(schema, name),
      });
    }
    return out;
  }

  private fields(schema: Obj, name: string): PyField[] {
    const { props, required } = this.merged(schema);
    return Object.entries(props).map(([key, prop]) => {
      const p = isObj(prop) ? prop : {};
      return {
        key,
        type: this.type(prop, `${name}${pascalCase(key)}`, ""),
        required: required.has(key),
        ...(typeof p.description === "string" ? { description: p.description } : {}),
      };
    });
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** `Literal[...]` for enum values Python can write as literals (str, int, bool), else undefined. */
function literal(values: unknown[]): string | undefined {
  if (values.length === 0) return undefined;
  const parts: string[] = [];
  for (const v of values) {
    if (typeof v === "string") parts.push(JSON.stringify(v));
    else if (typeof v === "boolean") parts.push(v ? "True" : "False");
    else if (typeof v === "number" && Number.isInteger(v) && Math.abs(v) < 2 ** 53) parts.push(String(v));
    else return undefined;
  }
  return `Literal[${unique(parts).join(", ")}]`;
}
