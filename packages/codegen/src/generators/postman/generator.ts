import { createHash } from "node:crypto";
import { type OpenApiDocument, type OperationDescriptor, preferredMedia, resolveRef } from "@synapseops/core";
import { isIgnoredParameter, sendableRequestBody, sentPath, templateQueryNames } from "../../_http";
import { isBinarySchema } from "../../schema/binary";
import { docText } from "../../schema/names";
import { unsatisfiableReason } from "../../schema/unsatisfiable";
import { createSchemaValidator, type SchemaValidator } from "../../schema/validator";
import type { GeneratedFile, Generator, GeneratorContext } from "../../types";
import { serverUrl } from "../sdk-ts/generator";
import { filledFormSample } from "./_filled-sample";
import {
  checkedSample,
  deepPairs,
  formReady,
  parameterSample,
  pathValue,
  queryPairs,
  scalar,
  testScript,
  validSample,
} from "./_request";
import { chosenRequirement, credentialVariables } from "./_security";
import { POSTMAN_SCHEMA_URL, postmanDefaults } from "./config";
import type { PostmanOptions } from "./types";

type Obj = Record<string, unknown>;

function requestItem(
  doc: OpenApiDocument,
  validator: SchemaValidator,
  op: OperationDescriptor,
  withTests: boolean,
  collectionAuth: Obj | undefined,
): Obj {
  const pathVariables: Obj[] = [];
  const params = new Map(op.parameters.map((p) => [`${p.in}:${p.name}`, p]));
  const inTemplate = templateQueryNames(op.path);
  const sent = sentPath(op.path);
  // A query written into the template (freetv's `/services?funcs=GetLatestNews&mobile=1`) goes
  // into Postman's query list: left in the last segment, `?language=US` followed a second `?`
  // and was never read (issue 19). Its `{name}` values are filled from their parameters.
  const queryAt = sent.indexOf("?");
  const path = queryAt < 0 ? sent : sent.slice(0, queryAt);
  const templateQuery = [...new URLSearchParams(queryAt < 0 ? "" : sent.slice(queryAt + 1))].map(
    ([key, value]): Obj => ({
      key,
      value: value.replace(/\{([^}]+)\}/g, (_, name: string) => {
        const param = params.get(`query:${name}`) ?? params.get(`path:${name}`);
        return param ? scalar(validSample(doc, validator, param.schema, param.example)) : "1";
      }),
    }),
  );
  // Empty segments are the document's too: TomTom's `/wms/` and `/wms//` are two operations, and
  // `/health/` differs from `/health` to a strict server (issue 19).
  const segments = path
    .replace(/^\//, "")
    .split("/")
    .map((segment) => {
      const whole = /^\{([^}]+)\}$/.exec(segment);
      if (whole) {
        const param = params.get(`path:${whole[1]}`);
        // Serialised by the parameter's style: an array is `1,2`, not `[1,2]` (DaniWeb; issue 19).
        const value = param
          ? pathValue(
              param.name,
              validSample(doc, validator, param.schema, param.example),
              param.style,
              param.explode,
            )
          : "1";
        pathVariables.push({
          key: whole[1],
          value,
          ...(param?.description ? { description: docText(param.description, 500) } : {}),
        });
        return `:${whole[1]}`;
      }
      // A parameter inside a segment (`{name}.json`) gets its sample value inline.
      return segment.replace(/\{([^}]+)\}/g, (_, name: string) => {
        // A query the template writes (`?query={query}`) is filled here, not sent again below.
        const param = params.get(`path:${name}`);
        return param
          ? pathValue(
              param.name,
              validSample(doc, validator, param.schema, param.example),
              param.style,
              param.explode,
            )
          : "1";
      });
    });
  const query: Obj[] = [...templateQuery];
  const header: Obj[] = [];
  for (const param of op.parameters) {
    if (param.in !== "query" && param.in !== "header") continue;
    if (isIgnoredParameter(param) || (param.in === "query" && inTemplate.has(param.name))) continue;
    const value = parameterSample(doc, validator, param);
    const pairs =
      param.in === "query"
        ? param.contentType
          ? [[param.name, JSON.stringify(value)] as [string, string]]
          : queryPairs(param.name, value, param.style, param.explode)
        : [[param.name, scalar(value)] as [string, string]];
    for (const [key, v] of pairs) {
      const entry: Obj = { key, value: v };
      if (!param.required) entry.disabled = true;
      if (param.description) entry.description = docText(param.description, 500);
      (param.in === "query" ? query : header).push(entry);
    }
  }
  const request: Obj = { method: op.method.toUpperCase(), header };
  const body = sendableRequestBody(op);
  let bodySatisfiable = true;
  if (body) {
    const media = preferredMedia(body.content);
    const sampled =
      media?.schema !== undefined
        ? checkedSample(doc, validator, media.schema, media.example)
        : { value: media?.example ?? {}, valid: true };
    const type = body.contentType;
    const value = /form/i.test(type)
      ? filledFormSample(doc, validator, media?.schema ?? body.schema, sampled.value, body.required)
      : sampled.value;
    bodySatisfiable = sampled.valid;
    if (/json/i.test(type) || !/form/i.test(type)) {
      // A media range (`*/*`) is sent as JSON, and so is its sample: apicurio's string sample went
      // raw under `Content-Type: application/json` and the mock refused it (issue 19).
      const sentType = type.includes("*") ? "application/json" : type;
      header.push({ key: "Content-Type", value: sentType });
      request.body = {
        mode: "raw",
        raw: typeof value === "string" && !/json/i.test(sentType) ? value : JSON.stringify(value, null, 2),
        options: { raw: { language: /json/i.test(sentType) ? "json" : "text" } },
      };
    } else if (type === "application/x-www-form-urlencoded") {
      request.body = {
        mode: "urlencoded",
        urlencoded: Object.entries(formReady(doc, media?.schema ?? body.schema, value ?? {}) as Obj)
          .flatMap(([k, v]) => deepPairs(k, v))
          .map(([key, v]) => ({ key, value: v, type: "text" })),
      };
    } else {
      request.body = {
        mode: "formdata",
        // A binary field (3.0 `format: binary`, 3.1 `contentMediaType`) is a file to pick (issue 19).
        formdata: Object.entries((value ?? {}) as Obj).map(([key, v]) =>
          isBinarySchema(formField(doc, media?.schema ?? body.schema, key))
            ? { key, type: "file", src: [] }
            : { key, value: scalar(v), type: "text" },
        ),
      };
    }
  }
  const chosen = chosenRequirement(doc, op.security);
  // The other credentials of an AND requirement replace any same-named documented parameter.
  for (const [list, extra, fold] of [
    [query, chosen?.query ?? [], (k: unknown) => String(k)],
    [header, chosen?.header ?? [], (k: unknown) => String(k).toLowerCase()],
  ] as const) {
    for (const entry of extra) {
      const at = list.findIndex((e) => fold(e.key) === fold(entry.key));
      if (at >= 0) list.splice(at, 1);
      list.push(entry);
    }
  }
  const raw = `{{baseUrl}}/${segments.join("/")}${
    query.some((q) => !q.disabled)
      ? `?${query
          .filter((q) => !q.disabled)
          .map((q) => `${q.key}=${q.value}`)
          .join("&")}`
      : ""
  }`;
  request.url = {
    raw,
    host: ["{{baseUrl}}"],
    path: segments,
    ...(query.length ? { query } : {}),
    ...(pathVariables.length ? { variable: pathVariables } : {}),
  };
  // A required parameter no value fits (visagecloud's `purposes`, an array whose own `enum` lists
  // strings): like such a body, the request can only be refused (issue 19).
  const impossible = op.parameters.filter(
    (p) => p.required && !isIgnoredParameter(p) && unsatisfiableReason(doc, p.schema) !== undefined,
  );
  const description = [
    op.summary,
    op.description,
    bodySatisfiable
      ? undefined
      : "No request body can satisfy the documented schema: a server must refuse it.",
    impossible.length === 0
      ? undefined
      : `No value can satisfy the documented schema of ${impossible.map((p) => p.name).join(", ")}: a server must refuse the request.`,
  ]
    .filter((t): t is string => typeof t === "string" && t !== "")
    .join("\n\n");
  if (description) request.description = description;
  const auth = chosen?.auth;
  if (auth && JSON.stringify(auth) !== JSON.stringify(collectionAuth)) request.auth = auth;
  else if (!auth && collectionAuth) request.auth = { type: "noauth" };
  const item: Obj = { name: op.summary ? docText(op.summary, 200) : op.operationId, request, response: [] };
  const script = withTests
    ? testScript(doc, op, {
        bodySatisfiable,
        unsatisfiableParameters: impossible.map((p) => p.name),
      })
    : [];
  if (script.length) item.event = [{ listen: "test", script: { type: "text/javascript", exec: script } }];
  return item;
}

/** A Postman Collection v2.1 for the document (deterministic: the same input gives the same bytes). */
export function generatePostman(
  context: Pick<GeneratorContext, "document" | "operations" | "inputHash">,
  options: PostmanOptions = {},
): GeneratedFile[] {
  const doc = context.document;
  const validator = createSchemaValidator(doc);
  const wanted = options.operations ? new Set(options.operations) : undefined;
  const withTests = options.tests ?? postmanDefaults.tests;
  const collectionAuth = chosenRequirement(doc, (doc.security ?? []) as Record<string, string[]>[])?.auth;
  const folders = new Map<string, Obj[]>();
  const loose: Obj[] = [];
  for (const op of context.operations) {
    if (wanted && !wanted.has(op.operationId)) continue;
    const item = requestItem(doc, validator, op, withTests, collectionAuth);
    const tag = op.tags[0];
    if (tag === undefined) loose.push(item);
    else folders.set(tag, [...(folders.get(tag) ?? []), item]);
  }
  const tagDescriptions = new Map(
    (doc.tags ?? []).map((t) => [
      String(t.name),
      typeof t.description === "string" ? t.description : undefined,
    ]),
  );
  const item = [
    ...[...folders].map(([name, items]) => ({
      name,
      ...(tagDescriptions.get(name) ? { description: tagDescriptions.get(name) } : {}),
      item: items,
    })),
    ...loose,
  ];
  const variable: Obj[] = [{ key: "baseUrl", value: serverUrl(doc), type: "string" }];
  variable.push(...credentialVariables(doc));
  const id = createHash("sha256").update(context.inputHash).digest("hex");
  const collection = {
    info: {
      _postman_id: `${id.slice(0, 8)}-${id.slice(8, 12)}-4${id.slice(13, 16)}-8${id.slice(17, 20)}-${id.slice(20, 32)}`,
      name: `${doc.info.title} ${doc.info.version}`,
      ...(typeof doc.info.description === "string" ? { description: doc.info.description } : {}),
      schema: POSTMAN_SCHEMA_URL,
    },
    item,
    ...(collectionAuth ? { auth: collectionAuth } : {}),
    variable,
  };
  return [{ path: "collection.json", contents: `${JSON.stringify(collection, null, 2)}\n` }];
}

/** The `postman` generator: a Postman Collection v2.1 with folders by tag, auth, examples and tests. */
export const postmanGenerator: Generator<PostmanOptions, "postman"> = {
  name: "postman",
  description:
    "Postman Collection v2.1: folders by tag, example bodies, auth, variables, a test script per request",
  outDir: "postman",
  generate: (context, options) => generatePostman(context, options),
};

/** The schema of one field of a form body (refs followed). */
function formField(doc: OpenApiDocument, schema: unknown, key: string): unknown {
  const properties = resolveRef<{ properties?: Record<string, unknown> }>(doc, schema)?.properties;
  const field = resolveRef<{ type?: unknown; items?: unknown }>(doc, properties?.[key]);
  return field?.type === "array" ? resolveRef<unknown>(doc, field.items) : field;
}
