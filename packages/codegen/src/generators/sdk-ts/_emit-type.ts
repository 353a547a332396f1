import { getAtPointer, type OpenApiDocument } from "@synapseops/core";
import { isBinarySchema } from "../../schema/binary";
import { docText, tsPropertyKey } from "../../schema/names";

type Obj = { [key: string]: unknown };

/** Settings of one emit: the document, names of component schemas, and how refs are written. */
export interface TypeEmitContext {
  doc: OpenApiDocument;
  /** `#/components/schemas/<raw>` → the emitted type name. */
  schemaNames: ReadonlyMap<string, string>;
  /** Prefix of emitted names (`M.` from the operations file; `` inside the models file). */
  refPrefix: string;
  /** Where request bodies differ from responses: `readOnly` props are optional in requests. */
  direction?: "request" | "response";
}

interface Emitted {
  text: string;
  /** A union or intersection that needs parentheses inside `[]` or `&`. */
  compound: boolean;
  /** The members of a top-level union, so a union of unions lists each member once. */
  alternatives?: string[];
}

const SCHEMA_REF = "#/components/schemas/";

/**
 * The TypeScript type for a schema, strict-mode clean: unknown constructs become `unknown`,
 * refs to component schemas become their names, other refs are inlined (cycles cut to `unknown`).
 */
export function emitType(schema: unknown, ctx: TypeEmitContext, indent = ""): string {
  return emit(schema, ctx, indent, new Set()).text;
}

function emit(schema: unknown, ctx: TypeEmitContext, indent: string, inlining: Set<string>): Emitted {
  if (schema === true || schema === undefined) return plain("unknown");
  if (schema === false) return plain("never");
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return plain("unknown");
  const s = schema as Obj;
  if (typeof s.$ref === "string") {
    const ref = s.$ref;
    if (ref.startsWith(SCHEMA_REF)) {
      const name = ctx.schemaNames.get(decodeName(ref.slice(SCHEMA_REF.length)));
      if (name) return plain(`${ctx.refPrefix}${name}`);
    }
    if (inlining.has(ref) || inlining.size > 30) return plain("unknown");
    const target = ref.startsWith("#") ? getAtPointer(ctx.doc, ref) : undefined;
    if (target === undefined) return plain("unknown");
    inlining.add(ref);
    const out = emit(target, ctx, indent, inlining);
    inlining.delete(ref);
    return out;
  }
  const nullable = s.nullable === true;
  const base = emitNonNull(s, ctx, indent, inlining);
  return nullable && base.text !== "unknown" && base.text !== "null" ? union([base, plain("null")]) : base;
}

function emitNonNull(s: Obj, ctx: TypeEmitContext, indent: string, inlining: Set<string>): Emitted {
  if (s.const !== undefined) return plain(literal(s.const));
  if (Array.isArray(s.enum) && s.enum.length > 0) {
    const values = [...new Set(s.enum.map(literal))];
    if (values.includes("unknown")) return plain("unknown");
    return values.length === 1
      ? plain(values[0]!)
      : { text: values.join(" | "), compound: true, alternatives: values };
  }
  const parts: Emitted[] = [];
  if (Array.isArray(s.allOf) && s.allOf.length > 0) {
    const members = s.allOf.map((m) => emit(m, ctx, indent, inlining)).filter((m) => m.text !== "unknown");
    if (members.length > 0) parts.push(intersection(members));
  }
  for (const key of ["oneOf", "anyOf"] as const) {
    const branches = s[key];
    if (Array.isArray(branches) && branches.length > 0)
      parts.push(union(branches.map((b) => emit(b, ctx, indent, inlining))));
  }
  const own = emitOwn(s, ctx, indent, inlining);
  if (own) parts.unshift(own);
  if (parts.length === 0) return plain("unknown");
  return parts.length === 1 ? parts[0]! : intersection(parts);
}

/** The type from `type`/`properties`/`items` (not the combinators); undefined when none. */
function emitOwn(s: Obj, ctx: TypeEmitContext, indent: string, inlining: Set<string>): Emitted | undefined {
  const types = Array.isArray(s.type)
    ? (s.type as unknown[]).map(String)
    : typeof s.type === "string"
      ? [s.type]
      : [];
  if (types.length === 0) {
    if (s.properties || s.additionalProperties !== undefined) types.push("object");
    else if (s.items) types.push("array");
    else return undefined;
  }
  const members = types.map((type) => emitOfType(type, s, ctx, indent, inlining));
  return members.length === 1 ? members[0]! : union(members);
}

function emitOfType(
  type: string,
  s: Obj,
  ctx: TypeEmitContext,
  indent: string,
  inlining: Set<string>,
): Emitted {
  switch (type) {
    case "string":
      // 3.0 `format: binary` and 3.1 `contentMediaType` alike (issue 19).
      return isBinarySchema(s) ? { text: "Blob | string", compound: true } : plain("string");
    case "integer":
    case "number":
      return plain("number");
    case "boolean":
      return plain("boolean");
    case "null":
      return plain("null");
    case "array": {
      if (Array.isArray(s.prefixItems)) return plain("unknown[]");
      const item = emit(s.items, ctx, indent, inlining);
      return plain(`${item.compound ? `(${item.text})` : item.text}[]`);
    }
    case "object":
      return emitObject(s, ctx, indent, inlining);
    default:
      return plain("unknown");
  }
}

function emitObject(s: Obj, ctx: TypeEmitContext, indent: string, inlining: Set<string>): Emitted {
  const properties = (s.properties && typeof s.properties === "object" ? s.properties : {}) as Obj;
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  const inner = `${indent}  `;
  const lines: string[] = [];
  for (const [name, propSchema] of Object.entries(properties)) {
    const prop = (propSchema && typeof propSchema === "object" ? propSchema : {}) as Obj;
    if (ctx.direction === "request" && prop.readOnly === true && !required.has(name)) continue;
    const type = emit(propSchema, ctx, inner, inlining).text;
    const description = typeof prop.description === "string" ? docText(prop.description, 160) : "";
    if (description) lines.push(`${inner}/** ${description} */`);
    const optional = !required.has(name) || (ctx.direction === "request" && prop.readOnly === true);
    lines.push(`${inner}${tsPropertyKey(name)}${optional ? "?" : ""}: ${type};`);
  }
  const extra = s.additionalProperties;
  const extraType =
    extra === false
      ? undefined
      : extra === undefined || extra === true
        ? "unknown"
        : emit(extra, ctx, inner, inlining).text;
  const body = lines.length > 0 ? `{\n${lines.join("\n")}\n${indent}}` : undefined;
  const index =
    extraType !== undefined && (lines.length === 0 || extra !== undefined)
      ? `{ [key: string]: ${extraType} }`
      : undefined;
  if (body && index) return { text: `${body} & ${index}`, compound: true };
  return plain(body ?? index ?? "{ [key: string]: never }");
}

function plain(text: string): Emitted {
  return { text, compound: false };
}

/** A union, flattened: `("a" | null) | null` is `"a" | null` (nullable enums, issue 19). */
function union(members: Emitted[]): Emitted {
  const texts = [...new Set(members.flatMap((m) => m.alternatives ?? [m.text]))];
  if (texts.includes("unknown")) return plain("unknown");
  if (texts.length === 1) return members.length === 1 ? members[0]! : plain(texts[0]!);
  return { text: texts.join(" | "), compound: true, alternatives: texts };
}

function intersection(members: Emitted[]): Emitted {
  const texts = [...new Set(members.map((m) => (m.compound ? `(${m.text})` : m.text)))];
  return texts.length === 1
    ? members.length === 1
      ? members[0]!
      : plain(texts[0]!)
    : { text: texts.join(" & "), compound: true };
}

function literal(value: unknown): string {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean" || value === null)
    return JSON.stringify(value);
  return "unknown";
}

function decodeName(raw: string): string {
  return raw.replaceAll("~1", "/").replaceAll("~0", "~");
}
