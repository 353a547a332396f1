import { HTTP_METHODS, type OpenApiObject } from "./types";

type Obj = OpenApiObject;

/**
 * A cheap Swagger 2.0 → OpenAPI 3.0.3 conversion: servers from host/basePath/schemes, body and
 * formData parameters to request bodies, response schemas to content, definitions/parameters/
 * responses/securityDefinitions to components, and `$ref`s rewritten to match. Enough for
 * generators; vendor-specific 2.0 quirks are not chased.
 */
export function convertSwagger2(doc: Obj): Obj {
  const consumes = (doc.consumes as string[] | undefined) ?? ["application/json"];
  const produces = (doc.produces as string[] | undefined) ?? ["application/json"];
  const schemes = (doc.schemes as string[] | undefined) ?? ["https"];
  const host = doc.host as string | undefined;
  const basePath = (doc.basePath as string | undefined) ?? "";
  const servers = host
    ? schemes.map((scheme) => ({ url: `${scheme}://${host}${basePath}` }))
    : [{ url: basePath || "/" }];
  const paths: Obj = {};
  for (const [path, item] of Object.entries((doc.paths as Obj | undefined) ?? {})) {
    const pathItem = item as Obj;
    const out: Obj = {};
    for (const [key, value] of Object.entries(pathItem)) {
      if ((HTTP_METHODS as readonly string[]).includes(key))
        out[key] = convertOperation(value as Obj, consumes, produces);
      else if (key === "parameters")
        out.parameters = (value as Obj[]).filter((p) => !isBodyParam(p)).map(convertParameter);
      else out[key] = value;
    }
    paths[path] = out;
  }
  const components: Obj = {};
  if (doc.definitions) components.schemas = doc.definitions;
  const params = Object.entries((doc.parameters as Obj | undefined) ?? {}).filter(
    ([, p]) => !isBodyParam(p as Obj),
  );
  if (params.length)
    components.parameters = Object.fromEntries(params.map(([k, p]) => [k, convertParameter(p as Obj)]));
  if (doc.responses) {
    components.responses = Object.fromEntries(
      Object.entries(doc.responses as Obj).map(([k, r]) => [k, convertResponse(r as Obj, produces)]),
    );
  }
  if (doc.securityDefinitions) {
    components.securitySchemes = Object.fromEntries(
      Object.entries(doc.securityDefinitions as Obj).map(([k, s]) => [k, convertSecurityScheme(s as Obj)]),
    );
  }
  const result: Obj = { openapi: "3.0.3", info: doc.info, servers, paths, components };
  for (const key of ["security", "tags", "externalDocs"]) if (doc[key] !== undefined) result[key] = doc[key];
  for (const [key, value] of Object.entries(doc)) if (key.startsWith("x-")) result[key] = value;
  return rewriteRefs(result) as Obj;
}

function isBodyParam(param: Obj): boolean {
  return param.in === "body" || param.in === "formData";
}

function convertOperation(op: Obj, consumes: string[], produces: string[]): Obj {
  const opConsumes = (op.consumes as string[] | undefined) ?? consumes;
  const opProduces = (op.produces as string[] | undefined) ?? produces;
  const out: Obj = {};
  for (const [key, value] of Object.entries(op)) {
    if (key === "consumes" || key === "produces" || key === "parameters" || key === "responses") continue;
    out[key] = value;
  }
  const params = (op.parameters as Obj[] | undefined) ?? [];
  out.parameters = params.filter((p) => !isBodyParam(p)).map(convertParameter);
  const body = params.find((p) => p.in === "body");
  const form = params.filter((p) => p.in === "formData");
  if (body) {
    out.requestBody = {
      required: body.required === true,
      content: Object.fromEntries(opConsumes.map((type) => [type, { schema: body.schema ?? {} }])),
    };
  } else if (form.length) {
    const type = form.some((p) => p.type === "file")
      ? "multipart/form-data"
      : "application/x-www-form-urlencoded";
    const properties = Object.fromEntries(
      form.map((p) => [p.name, p.type === "file" ? { type: "string", format: "binary" } : schemaOf(p)]),
    );
    const required = form.filter((p) => p.required === true).map((p) => p.name);
    out.requestBody = {
      content: {
        [type]: { schema: { type: "object", properties, ...(required.length ? { required } : {}) } },
      },
    };
  }
  out.responses = Object.fromEntries(
    Object.entries((op.responses as Obj | undefined) ?? {}).map(([status, r]) => [
      status,
      convertResponse(r as Obj, opProduces),
    ]),
  );
  return out;
}

function schemaOf(param: Obj): Obj {
  const schema: Obj = {};
  for (const key of [
    "type",
    "format",
    "items",
    "enum",
    "default",
    "minimum",
    "maximum",
    "pattern",
    "minLength",
    "maxLength",
  ]) {
    if (param[key] !== undefined) schema[key] = param[key];
  }
  return schema;
}

function convertParameter(param: Obj): Obj {
  if (typeof param.$ref === "string") return param;
  const { type, format, items, collectionFormat, enum: e, default: d, ...rest } = param;
  void type;
  void format;
  void items;
  void e;
  void d;
  for (const key of ["minimum", "maximum", "pattern", "minLength", "maxLength", "allowEmptyValue"])
    delete rest[key];
  const out: Obj = { ...rest, schema: schemaOf(param) };
  if (collectionFormat === "multi") Object.assign(out, { style: "form", explode: true });
  else if (collectionFormat === "csv" || (param.type === "array" && collectionFormat === undefined))
    out.explode = false;
  else if (collectionFormat === "ssv") out.style = "spaceDelimited";
  else if (collectionFormat === "pipes") out.style = "pipeDelimited";
  return out;
}

function convertResponse(response: Obj, produces: string[]): Obj {
  if (typeof response.$ref === "string") return response;
  const out: Obj = { description: response.description ?? "" };
  if (response.schema !== undefined) {
    const examples = (response.examples as Obj | undefined) ?? {};
    out.content = Object.fromEntries(
      produces.map((type) => [
        type,
        { schema: response.schema, ...(examples[type] !== undefined ? { example: examples[type] } : {}) },
      ]),
    );
  }
  if (response.headers) {
    out.headers = Object.fromEntries(
      Object.entries(response.headers as Obj).map(([k, h]) => [
        k,
        { description: (h as Obj).description, schema: schemaOf(h as Obj) },
      ]),
    );
  }
  return out;
}

function convertSecurityScheme(scheme: Obj): Obj {
  if (scheme.type === "basic") return { type: "http", scheme: "basic", description: scheme.description };
  if (scheme.type === "apiKey") return scheme;
  const flowName = {
    implicit: "implicit",
    password: "password",
    application: "clientCredentials",
    accessCode: "authorizationCode",
  }[String(scheme.flow)];
  const flow: Obj = { scopes: scheme.scopes ?? {} };
  if (scheme.authorizationUrl) flow.authorizationUrl = scheme.authorizationUrl;
  if (scheme.tokenUrl) flow.tokenUrl = scheme.tokenUrl;
  return { type: "oauth2", flows: { [flowName ?? "implicit"]: flow } };
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== "object") return value;
  const out: Obj = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === "$ref" && typeof child === "string") {
      out[key] = child
        .replace("#/definitions/", "#/components/schemas/")
        .replace("#/parameters/", "#/components/parameters/")
        .replace("#/responses/", "#/components/responses/");
    } else out[key] = rewriteRefs(child);
  }
  return out;
}
