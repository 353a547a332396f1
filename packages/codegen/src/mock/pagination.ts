import { type OpenApiDocument, resolveRef } from "@synapseops/core";
import { type PaginationShape, positionKind, schemaProperties } from "../readiness/_features";
import { pickSample } from "../schema/pick-sample";
import { unsatisfiableReason } from "../schema/unsatisfiable";
import type { SchemaValidator } from "../schema/validator";

/** Items in the synthesised collection of a list operation. */
const COLLECTION_SIZE = 5;
/** Page size when the request sets none. */
const DEFAULT_PAGE_SIZE = 2;
/** The query parameter carrying the position when the list has no parameter of its own. */
const PAGE_PARAM = "synapseops_page";
const TOTAL_FIELD = /^(total|total_?count|total_?results|total_?items)$/i;

type Obj = Record<string, unknown>;

/** A page of a list: the body and the headers (`Link`) to send. */
export interface MockPage {
  body: unknown;
  headers: Record<string, string>;
}

/** Whether a list schema may admit a body, by schema (the mock asks once per page). */
const satisfiableBySchema = new WeakMap<object, boolean>();

function satisfiable(doc: OpenApiDocument, schema: unknown): boolean {
  if (schema === null || typeof schema !== "object") return true;
  let known = satisfiableBySchema.get(schema);
  if (known === undefined) {
    known = unsatisfiableReason(doc, schema) === undefined;
    satisfiableBySchema.set(schema, known);
  }
  return known;
}

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function itemSchema(doc: OpenApiDocument, listSchema: unknown, itemsField: readonly string[]): unknown {
  let schema: unknown = listSchema;
  for (const key of itemsField) schema = schemaProperties(doc, schema)[key];
  return resolveRef<Obj>(doc, schema)?.items;
}

/**
 * Distinct items from one sample item: `id` made unique per item (string suffix, or 1…n), each
 * checked against the item schema. Without an `id`, or when variants do not validate, a single
 * item (one page), so walks still terminate without duplicates.
 */
function collection(validator: SchemaValidator, schema: unknown, template: unknown): unknown[] {
  if (template === null || typeof template !== "object" || !("id" in template)) return [template];
  const id = (template as Obj).id;
  const items: unknown[] = [];
  for (let index = 0; index < COLLECTION_SIZE; index++) {
    const item = clone(template) as Obj;
    if (typeof id === "number") item.id = index + 1;
    else if (typeof id === "string") item.id = index === 0 ? id : `${id}${index}`;
    else return [template];
    if (schema !== undefined && validator.validate(schema, item).length > 0) return [template];
    items.push(item);
  }
  return items;
}

function fieldSchema(doc: OpenApiDocument, schema: unknown, path: readonly string[]): unknown {
  let current = schema;
  for (const key of path) current = schemaProperties(doc, current)[key];
  return current;
}

function setAt(target: unknown, path: readonly string[], value: unknown): void {
  let current = target as Obj;
  for (const key of path.slice(0, -1)) {
    if (current[key] === null || typeof current[key] !== "object") current[key] = {};
    current = current[key] as Obj;
  }
  const last = path.at(-1);
  if (last !== undefined) current[last] = value;
}

function deleteAt(target: unknown, path: readonly string[]): void {
  let current = target as Obj | undefined;
  for (const key of path.slice(0, -1)) current = current?.[key] as Obj | undefined;
  const last = path.at(-1);
  if (current && last !== undefined) delete current[last];
}

/**
 * The last page's next marker: the marker object null (Asana), else the field null, else absent,
 * else empty — the first the list schema accepts. Each try starts from the sample's marker object,
 * so its other members stay: apideck's `links` requires `current` beside `next`, and a `links`
 * rebuilt as `{next: null}` broke the schema, the page fell back to the plain sample and page 3
 * repeated page 1's first item (issue 19).
 */
function endMarker(
  validator: SchemaValidator,
  listSchema: unknown,
  body: unknown,
  nextField: readonly string[],
): void {
  const parent = nextField.slice(0, -1);
  const original = clone(parent.reduce<unknown>((v, k) => (v as Obj | null | undefined)?.[k], body));
  const restore = (): void => {
    if (parent.length > 0) setAt(body, parent, clone(original));
  };
  const tries: (() => void)[] = [
    ...(parent.length > 0 ? [() => setAt(body, parent, null)] : []),
    () => {
      restore();
      setAt(body, nextField, null);
    },
    () => {
      restore();
      deleteAt(body, nextField);
    },
    () => {
      restore();
      setAt(body, nextField, "");
    },
  ];
  for (const attempt of tries) {
    attempt();
    if (validator.validate(listSchema, body).length === 0) return;
  }
}

/**
 * One page of a consistent page set for a list operation: a collection of distinct items
 * synthesised from the documented sample, sliced by the request's position (cursor token,
 * `starting_after` id, offset or page number) and size (its limit parameter, else 2), with the
 * document's next markers (`Link: rel="next"`, next-cursor or next-URL field, `has_more`,
 * a total) pointing at the following page until the last one. Falls back to the plain sample
 * when a page would not match the documented schema.
 */
export function mockPage(
  doc: OpenApiDocument,
  validator: SchemaValidator,
  shape: PaginationShape,
  listSchema: unknown,
  sample: unknown,
  requestUrl: URL,
): MockPage | undefined {
  const itemsField = shape.itemsField ?? [];
  const base = clone(sample);
  const schema = itemSchema(doc, listSchema, itemsField);
  let sampleItems =
    itemsField.length === 0 ? base : itemsField.reduce<unknown>((v, k) => (v as Obj | undefined)?.[k], base);
  // A documented example that leaves the item array out (truora's `{check: …}` for a list of
  // `continuous_checks`) still pages: the items are sampled from their schema (issue 19).
  if (sampleItems === undefined && itemsField.length > 0 && base !== null && typeof base === "object") {
    const item = pickSample(doc, validator, schema, { direction: "response" });
    sampleItems = item.valid ? [item.value] : [];
    setAt(base, itemsField, sampleItems);
  }
  if (!Array.isArray(sampleItems)) return undefined;
  const items = sampleItems.length > 0 ? collection(validator, schema, sampleItems[0]) : [];
  const query = requestUrl.searchParams;
  const param = shape.param ?? PAGE_PARAM;
  const limitValue = shape.limitParam ? Number(query.get(shape.limitParam)) : Number.NaN;
  const size =
    Number.isInteger(limitValue) && limitValue > 0 ? limitValue : (shape.pageSize ?? DEFAULT_PAGE_SIZE);
  const position = query.get(param);
  let offset = 0;
  const kind = positionKind(shape);
  // A number in a cursor's parameter (Red Hat's `links.next` + `offset`; issue 19).
  const numbered = shape.kind === "cursor" && kind !== "cursor";
  if (position !== null) {
    if (kind === "offset") offset = Math.max(0, Number(position) || 0);
    else if (kind === "page") offset = Math.max(0, (Number(position) || 1) - 1) * size;
    else if (/^p\d+$/.test(position)) offset = Number(position.slice(1));
    else {
      // `starting_after=<id>`: the page after that item.
      const index = items.findIndex((item) => String((item as Obj | null)?.id) === position);
      offset = index >= 0 ? index + 1 : items.length;
    }
  }
  const page = items.slice(offset, offset + size);
  const more = offset + size < items.length;
  const nextPosition =
    kind === "offset"
      ? String(offset + size)
      : kind === "page"
        ? String(offset / size + 2)
        : `p${offset + size}`;
  const nextUrl = new URL(requestUrl);
  nextUrl.searchParams.set(param, nextPosition);
  const body = itemsField.length === 0 ? page : base;
  if (itemsField.length > 0) setAt(body, itemsField, page);
  const headers: Record<string, string> = {};
  if (more && shape.kind === "link") headers.link = `<${nextUrl}>; rel="next"`;
  if (itemsField.length > 0) {
    const properties = schemaProperties(doc, listSchema);
    if (shape.hasMoreField) (body as Obj)[shape.hasMoreField] = more;
    const total = Object.keys(properties).find((name) => TOTAL_FIELD.test(name));
    if (total && typeof (body as Obj)[total] === "number") (body as Obj)[total] = items.length;
    if (shape.nextField) {
      const field = resolveRef<Obj>(doc, fieldSchema(doc, listSchema, shape.nextField));
      const fieldType = field?.type;
      // `format: uri` takes an absolute URL (NetBox's `next`): a relative one broke the page's own
      // schema, and the fallback sample pointed the client at https://example.com (issue 19).
      const absolute = typeof field?.format === "string" && /^(uri|url|iri)$/.test(field.format);
      // A `format: uri` marker beside a cursor parameter (InfluxData's `links.next` + `after`)
      // is a URL too: a bare token broke the page's schema, and the fallback sample's next link
      // pointed at https://example.com (issue 19).
      const asUrl = !shape.param || /ur[il]$/i.test(shape.nextField.at(-1) ?? "") || numbered || absolute;
      const marker =
        numbered && (fieldType === "integer" || fieldType === "number")
          ? Number(nextPosition)
          : asUrl
            ? absolute
              ? nextUrl.href
              : `${nextUrl.pathname}${nextUrl.search}`
            : nextPosition;
      if (more) setAt(body, shape.nextField, marker);
      else endMarker(validator, listSchema, body, shape.nextField);
    }
  }
  // A list schema no body can satisfy (ShipEngine's `links.first`, the document's own error) is
  // no reason to fall back to a sample whose total and items disagree (issue 19).
  if (
    listSchema !== undefined &&
    validator.validate(listSchema, body).length > 0 &&
    satisfiable(doc, listSchema)
  )
    return undefined;
  return { body, headers };
}
