import { type OpenApiDocument, type OperationDescriptor, resolveRef } from "@synapseops/core";
import { answersWithBody, finalResponses, fragmentPathParameters } from "../../_http";
import { pickSample } from "../../schema/pick-sample";
import { impliedType, sampleFromSchema } from "../../schema/sample";
import type { SchemaValidator } from "../../schema/validator";
import { firstPropertySample, isEmptyObject } from "./_filled-sample";

type Obj = Record<string, unknown>;

/** A sample value for a schema that validates when possible (tries a few variants). */
export function validSample(
  doc: OpenApiDocument,
  validator: SchemaValidator,
  schema: unknown,
  example?: unknown,
): unknown {
  return checkedSample(doc, validator, schema, example).value;
}

/**
 * A sample form body: an empty object sends nothing in `a[b]=1` encoding (Stripe's required
 * `features: {}` vanishes and the body reads as missing), so each empty object field gets the
 * first of its own properties whose sample keeps the whole body valid.
 */
export function formSample(doc: OpenApiDocument, validator: SchemaValidator, schema: unknown): Obj {
  const value = { ...((validSample(doc, validator, schema) ?? {}) as Obj) };
  const properties = resolveRef<Obj>(doc, schema)?.properties as Obj | undefined;
  for (const [key, field] of Object.entries(value)) {
    if (!field || typeof field !== "object" || Array.isArray(field) || Object.keys(field).length > 0)
      continue;
    const inner = resolveRef<Obj>(doc, properties?.[key])?.properties as Obj | undefined;
    for (const [name, innerSchema] of Object.entries(inner ?? {})) {
      const candidate = { ...value, [key]: { [name]: sampleFromSchema(doc, innerSchema) } };
      if (validator.validate(schema, candidate).length > 0) continue;
      value[key] = candidate[key];
      break;
    }
  }
  return formReady(doc, schema, value) as Obj;
}

/**
 * A parameter's sample as sent. A required query object in `form` style, exploded, is one pair
 * per property (OpenAPI 3 §4.8.12.4), so its sample `{}` encodes to nothing and the request
 * reads as missing it — seldon's `body: SeldonMessageList`, SQS's `Tags` map (400; issue 19).
 * It gets its first property whose sample keeps it valid, else one map entry. Postman, the
 * contract tests and the suites send parameters by this; the mock reads such pairs back.
 */
export function parameterSample(
  doc: OpenApiDocument,
  validator: SchemaValidator,
  param: {
    in: string;
    required: boolean;
    style: string;
    explode: boolean;
    schema?: unknown;
    example?: unknown;
    contentType?: string;
  },
): unknown {
  const value = validSample(doc, validator, param.schema, param.example);
  // An empty value is no value (OpenAPI 3 `allowEmptyValue` defaults to false): VTEX's required
  // `keyword` with `example: ""` went as `keyword=` and read as missing (400; issue 19).
  if (value === "" && param.required) {
    const resolved = resolveRef<Obj>(doc, param.schema) ?? {};
    const { example: _example, default: _default, ...bare } = resolved;
    const other = sampleFromSchema(doc, bare);
    return other !== "" && validator.validate(param.schema, other).length === 0 ? other : value;
  }
  if (
    !isEmptyObject(value) ||
    param.in !== "query" ||
    !param.required ||
    param.style !== "form" ||
    !param.explode ||
    param.contentType
  )
    return value;
  return firstPropertySample(doc, validator, param.schema) ?? value;
}

const TYPING_KEYWORDS = ["type", "properties", "items", "allOf", "oneOf", "anyOf", "enum", "const"];

/**
 * A form body whose schema-less values are sent: their sample `{}` encodes to nothing in
 * `a[b]=1` form, so a required field would read as missing — Twilio's `Data` ("a JSON string")
 * and its `Types: {type: array, items: {}}` (issue 19). They carry `{}` as text instead. Every
 * output that sends a form body (Postman, the contract tests, the readiness suites) uses this.
 */
export function formReady(doc: OpenApiDocument, schema: unknown, value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const properties = resolveRef<Obj>(doc, schema)?.properties as Obj | undefined;
  const typeless = (raw: unknown): boolean => {
    const field = resolveRef<Obj>(doc, raw) ?? {};
    return !TYPING_KEYWORDS.some((key) => key in field);
  };
  const empty = (field: unknown): boolean =>
    field !== null && typeof field === "object" && Object.keys(field).length === 0;
  const out: Obj = { ...(value as Obj) };
  for (const [name, field] of Object.entries(out)) {
    const fieldSchema = resolveRef<Obj>(doc, properties?.[name]) ?? {};
    // SalesLoft's required `recording: {type: object}` with no properties: sent as `{}` too, which
    // the mock reads back as JSON (issue 19).
    const bare = typeless(fieldSchema) || (fieldSchema.type === "object" && !fieldSchema.properties);
    if (bare && empty(field)) out[name] = JSON.stringify(field);
    else if (Array.isArray(field) && typeless(fieldSchema.items))
      out[name] = field.map((item) => (empty(item) ? JSON.stringify(item) : item));
  }
  return out;
}

/**
 * A request sample for a schema and whether it is known to validate, by {@link pickSample}'s
 * rule (a documented example only when it validates): `valid: false` when no variant does — the schema admits no value (`allOf` of a string and an integer), so a request
 * carrying it can only be refused.
 */
export function checkedSample(
  doc: OpenApiDocument,
  validator: SchemaValidator,
  schema: unknown,
  example?: unknown,
): { value: unknown; valid: boolean } {
  return pickSample(doc, validator, schema, {
    direction: "request",
    ...(example !== undefined ? { examples: [example] } : {}),
  });
}

/** `key=value` pairs of a query parameter value by style (form, deepObject, delimited). */
export function queryPairs(
  name: string,
  value: unknown,
  style: string,
  explode: boolean,
): [string, string][] {
  if (value === undefined) return [];
  if (style === "deepObject") return deepPairs(name, value);
  if (Array.isArray(value)) {
    if (style === "form" && explode) return value.map((item) => [name, scalar(item)]);
    const separator = style === "spaceDelimited" ? " " : style === "pipeDelimited" ? "|" : ",";
    return [[name, value.map(scalar).join(separator)]];
  }
  if (value !== null && typeof value === "object") {
    if (explode) return Object.entries(value).map(([k, v]) => [k, scalar(v)]);
    return [
      [
        name,
        Object.entries(value)
          .map(([k, v]) => `${k},${scalar(v)}`)
          .join(","),
      ],
    ];
  }
  return [[name, scalar(value)]];
}

/** Bracketed pairs: `a[b]=1`, `a[]=x`, `a[0][b]=1`. */
export function deepPairs(key: string, value: unknown): [string, string][] {
  if (Array.isArray(value)) {
    return value.flatMap((item, index) =>
      item !== null && typeof item === "object"
        ? deepPairs(`${key}[${index}]`, item)
        : [[`${key}[]`, scalar(item)] as [string, string]],
    );
  }
  if (value !== null && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => deepPairs(`${key}[${k}]`, v));
  return [[key, scalar(value)]];
}

/** A value as a parameter string. */
export function scalar(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

const BODILESS_STATUSES = new Set(["204", "205", "304"]);

/**
 * The Postman test script lines of an operation: documented status, then top-level shape. A
 * request whose body no value can make valid (`bodySatisfiable: false`) is expected to be refused
 * with a 4xx instead.
 */
export function testScript(
  doc: OpenApiDocument,
  op: OperationDescriptor,
  options: { bodySatisfiable?: boolean; unsatisfiableParameters?: readonly string[] } = {},
): string[] {
  const impossible = options.unsatisfiableParameters ?? [];
  if (impossible.length > 0) {
    return [
      `pm.test(${JSON.stringify(`no value fits ${impossible.join(", ")}: refused`)}, function () {`,
      "  pm.expect(pm.response.code).to.be.within(400, 499);",
      "});",
    ];
  }
  // The document's own error: the path cannot carry these parameters, so the request is refused.
  const lost = fragmentPathParameters(op);
  if (lost.length > 0) {
    return [
      `pm.test(${JSON.stringify(`the document puts ${lost.join(", ")} after the path's "#", which no client sends: refused`)}, function () {`,
      "  pm.expect(pm.response.code).to.be.within(400, 499);",
      "});",
    ];
  }
  if (options.bodySatisfiable === false) {
    return [
      'pm.test("a body the schema cannot accept is refused", function () {',
      "  pm.expect(pm.response.code).to.be.within(400, 499);",
      "});",
    ];
  }
  // Final statuses only: no client sees a 1xx as the answer (edrv's `101` handshake; issue 19).
  const codes = finalResponses(op.responses).map((r) => r.status);
  const lines: string[] = [];
  if (!codes.includes("default") && codes.length > 0) {
    const exact = codes.filter((c) => /^\d{3}$/.test(c)).map(Number);
    const ranges = codes.filter((c) => /^[1-5]XX$/i.test(c)).map((c) => Number(c[0]));
    lines.push(
      'pm.test("status is documented", function () {',
      `  var code = pm.response.code;`,
      `  pm.expect(${JSON.stringify(exact)}.indexOf(code) !== -1 || ${JSON.stringify(ranges)}.indexOf(Math.floor(code / 100)) !== -1, "status " + code + " is one of ${codes.join(", ")}").to.be.true;`,
      "});",
    );
  }
  // 204, 205 and 304 carry no body whatever the document declares for them, nor does any
  // answer to HEAD (Open Banking's `headAtms`; issue 19).
  const success = op.responses.find(
    (r) =>
      answersWithBody(op) &&
      /^2/.test(r.status) &&
      !BODILESS_STATUSES.has(r.status) &&
      r.content.some((m) => /json/i.test(m.contentType)),
  );
  const media = success?.content.find((m) => /json/i.test(m.contentType));
  const schema = resolveRef<Obj>(doc, media?.schema);
  if (success && schema) {
    const type = impliedType(schema);
    // `required` binds objects only: VTEX's `{type: array, required: [Id, …]}` is an array of
    // anything with no required member (JSON Schema 2020-12 §10.3.2.3; issue 19).
    const required = type === "object" && Array.isArray(schema.required) ? (schema.required as string[]) : [];
    if (type === "object" || type === "array") {
      lines.push(
        'pm.test("response has the documented shape", function () {',
        `  if (pm.response.code !== ${/^\d{3}$/.test(success.status) ? success.status : 200}) return;`,
        "  var body = pm.response.json();",
        `  pm.expect(body).to.be.an(${JSON.stringify(type)});`,
        ...required.map((name) => `  pm.expect(body).to.have.property(${JSON.stringify(name)});`),
        "});",
      );
    }
  }
  return lines;
}

/** A path parameter value serialised by style (simple, label, matrix), URL-encoded. */
export function pathValue(name: string, value: unknown, style: string, explode: boolean): string {
  const enc = (v: unknown): string => encodeURIComponent(scalar(v));
  let text: string;
  if (Array.isArray(value))
    text = value
      .map(enc)
      .join(style === "label" && explode ? "." : style === "matrix" && explode ? `;${name}=` : ",");
  else if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    text = explode
      ? entries
          .map(([k, v]) => `${k}=${enc(v)}`)
          .join(style === "label" ? "." : style === "matrix" ? ";" : ",")
      : entries.map(([k, v]) => `${k},${enc(v)}`).join(",");
    if (style === "matrix" && explode) return `;${text}`;
  } else text = enc(value);
  if (style === "label") return `.${text}`;
  if (style === "matrix") return `;${name}=${text}`;
  return text;
}
