import type { JsonSchema } from "../types";

/** A scalar (or array-of-scalars) field of a JSON Schema, flattened. */
export interface SchemaField {
  /** The path in rule form: `customer.email`, `line_items[].sku`. */
  path: string;
  /** The property name. */
  name: string;
  /** Names of the enclosing properties, outermost first. */
  parents: string[];
  /** The path of the innermost enclosing array of objects (`line_items`), if any. */
  arrayPath?: string;
  /** `string`, `number`, `integer`, `boolean`, `array`, `object` or `any`. */
  type: string;
  /** For arrays of scalars: the item type. */
  itemType?: string;
  format?: string;
  enum?: unknown[];
  /** Required at its own level and at every level above. */
  required: boolean;
}

/** An array of objects in a schema: the unit nested array rules map. */
export interface SchemaCollection {
  path: string;
  name: string;
  parents: string[];
  arrayPath?: string;
  /** Direct scalar fields of its items. */
  fields: SchemaField[];
}

/** A schema flattened into fields and collections. */
export interface FlatSchema {
  fields: SchemaField[];
  collections: SchemaCollection[];
}

type Node = Record<string, unknown>;

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Flattens a JSON Schema (objects, arrays, local `$ref`s, `allOf`, nullable `anyOf`/`oneOf`). */
export function flattenSchema(schema: JsonSchema): FlatSchema {
  const out: FlatSchema = { fields: [], collections: [] };
  const root = typeof schema === "object" ? schema : {};
  walk(resolve(root, root), { path: "", parents: [], required: true }, root, out, 0);
  return out;
}

interface Place {
  path: string;
  parents: string[];
  arrayPath?: string;
  required: boolean;
}

function resolve(node: Node, root: Node, depth = 0): Node {
  let current = node;
  const ref = current.$ref;
  if (typeof ref === "string" && ref.startsWith("#/") && depth < 20) {
    let target: unknown = root;
    for (const part of ref.slice(2).split("/"))
      target = (target as Node | undefined)?.[part.replaceAll("~1", "/").replaceAll("~0", "~")];
    if (typeof target === "object" && target !== null)
      current = { ...resolve(target as Node, root, depth + 1), ...omit(current, "$ref") };
  }
  if (Array.isArray(current.allOf)) {
    const parts = current.allOf.map((part) => resolve(part as Node, root, depth + 1));
    current = {
      ...Object.assign({}, ...parts),
      ...omit(current, "allOf"),
      properties: Object.assign({}, ...parts.map((part) => part.properties ?? {}), current.properties ?? {}),
      required: [
        ...parts.flatMap((part) => (part.required as string[] | undefined) ?? []),
        ...((current.required as string[] | undefined) ?? []),
      ],
    };
  }
  for (const key of ["anyOf", "oneOf"] as const) {
    const options = current[key];
    if (Array.isArray(options)) {
      const first = options
        .map((option) => resolve(option as Node, root, depth + 1))
        .find((option) => option.type !== "null");
      if (first !== undefined) current = { ...first, ...omit(current, key) };
    }
  }
  return current;
}

function omit(node: Node, key: string): Node {
  const { [key]: _, ...rest } = node;
  return rest;
}

function typeOf(node: Node): string {
  const type = Array.isArray(node.type) ? node.type.find((t) => t !== "null") : node.type;
  if (typeof type === "string") return type;
  if (node.properties !== undefined) return "object";
  if (node.items !== undefined) return "array";
  if (Array.isArray(node.enum)) return typeof node.enum[0] === "number" ? "number" : "string";
  return "any";
}

function join(path: string, name: string): string {
  const segment = PLAIN_NAME.test(name) ? name : `\`${name}\``;
  return path === "" ? segment : `${path}.${segment}`;
}

function walk(node: Node, place: Place, root: Node, out: FlatSchema, depth: number): void {
  if (depth > 12) return;
  const properties = (node.properties ?? {}) as Record<string, Node>;
  const required = new Set((node.required as string[] | undefined) ?? []);
  for (const [name, raw] of Object.entries(properties)) {
    const child = resolve(raw, root);
    const childPlace: Place = {
      path: join(place.path, name),
      parents: place.parents,
      required: place.required && required.has(name),
      ...(place.arrayPath === undefined ? {} : { arrayPath: place.arrayPath }),
    };
    const type = typeOf(child);
    const inner = { ...childPlace, parents: [...place.parents, name] };
    if (type === "object" && child.properties !== undefined) {
      walk(child, inner, root, out, depth + 1);
      continue;
    }
    if (type === "array") {
      const items = resolve((child.items ?? {}) as Node, root);
      if (typeOf(items) === "object" && items.properties !== undefined) {
        const before = out.fields.length;
        walk(
          items,
          { ...inner, path: `${childPlace.path}[]`, arrayPath: childPlace.path },
          root,
          out,
          depth + 1,
        );
        out.collections.push({
          path: childPlace.path,
          name,
          parents: place.parents,
          ...(place.arrayPath === undefined ? {} : { arrayPath: place.arrayPath }),
          fields: out.fields
            .slice(before)
            .filter(
              (field) => field.arrayPath === childPlace.path && field.parents.length === inner.parents.length,
            ),
        });
        continue;
      }
      out.fields.push(field(name, childPlace, place.parents, "array", child, typeOf(items)));
      continue;
    }
    out.fields.push(field(name, childPlace, place.parents, type, child));
  }
}

function field(
  name: string,
  place: Place,
  parents: string[],
  type: string,
  node: Node,
  itemType?: string,
): SchemaField {
  const result: SchemaField = { path: place.path, name, parents, type, required: place.required };
  if (place.arrayPath !== undefined) result.arrayPath = place.arrayPath;
  if (itemType !== undefined) result.itemType = itemType;
  if (typeof node.format === "string") result.format = node.format;
  if (Array.isArray(node.enum)) result.enum = node.enum;
  return result;
}
