// The fields the mapping builder offers, as rule paths: `customer.email`, `line_items[].sku`.
// They come from a JSON Schema, or are read off a pasted sample payload.

/** Nesting the lists follow at most: deeper payloads are mapped with a rule's `expr` instead. */
const MAX_DEPTH = 6;

const typeOf = (value) => (value === null ? "null" : Array.isArray(value) ? "array" : typeof value);

/**
 * The leaf fields of a JSON Schema: object properties by dotted path, arrays of objects with
 * `[]`, each with its declared type and whether the schema requires it.
 * @returns {{ path: string, type: string, required: boolean }[]}
 */
export function schemaFields(schema, prefix = "", depth = 0) {
  if (!schema || typeof schema !== "object" || depth > MAX_DEPTH) return [];
  const fields = [];
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const path = `${prefix}${name}`;
    const type = Array.isArray(property?.type) ? property.type.join(" | ") : (property?.type ?? "any");
    const items = property?.items;
    if (property?.type === "object" && property.properties)
      fields.push(...schemaFields(property, `${path}.`, depth + 1));
    else if (property?.type === "array" && items?.type === "object" && items.properties)
      fields.push(...schemaFields(items, `${path}[].`, depth + 1));
    else fields.push({ path, type, required: required.has(name) });
  }
  return fields;
}

/**
 * The leaf fields of a sample payload, the same way: an array of objects contributes the union
 * of its elements' fields under `[]`.
 * @returns {{ path: string, type: string, required: boolean }[]}
 */
export function sampleFields(sample, prefix = "", depth = 0) {
  if (typeOf(sample) !== "object" || depth > MAX_DEPTH) return [];
  const fields = new Map();
  const add = (field) => fields.set(field.path, fields.get(field.path) ?? field);
  for (const [name, value] of Object.entries(sample)) {
    const path = `${prefix}${name}`;
    const elements = Array.isArray(value) ? value.filter((e) => typeOf(e) === "object") : [];
    if (typeOf(value) === "object" && Object.keys(value).length > 0)
      sampleFields(value, `${path}.`, depth + 1).forEach(add);
    else if (elements.length > 0)
      for (const element of elements) sampleFields(element, `${path}[].`, depth + 1).forEach(add);
    else add({ path, type: typeOf(value), required: false });
  }
  return [...fields.values()];
}
