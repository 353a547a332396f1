import { type OpenApiDocument, type OperationDescriptor, preferredMedia } from "@synapseops/core";
import {
  finalResponses,
  isSentParameter,
  sendableRequestBody,
  sentPath,
  templateQueryNames,
} from "../../_http";
import { DOCUMENT_ID, isDialect30, toJsonSchema } from "../../schema/json-schema";
import { createSchemaValidator, type SchemaValidator } from "../../schema/validator";
import type { GeneratedFile, Generator, GeneratorContext } from "../../types";
import { filledFormSample } from "../postman/_filled-sample";
import { formSample, parameterSample, pathValue, queryPairs, scalar, validSample } from "../postman/_request";
import { serverUrl } from "../sdk-ts/generator";
import { multipartSample } from "./_multipart";
import { suiteSource } from "./_suite-source";
import { testsDefaults } from "./config";
import type { TestsOptions } from "./types";

/** One request of the suite with what to expect. */
export interface ContractCase {
  operationId: string;
  method: string;
  path: string;
  query: [string, string][];
  headers: Record<string, string>;
  body?: string;
  statuses: string[];
  /** Response JSON Schema by documented status (refs into `schemas.json`). */
  responses: Record<string, unknown>;
}

/** The request and expectations of one operation, with valid sample parameters and body. */
export function contractCase(
  doc: OpenApiDocument,
  validator: SchemaValidator,
  op: OperationDescriptor,
): ContractCase {
  const dialect30 = isDialect30(doc);
  let path = sentPath(op.path);
  const query: [string, string][] = [];
  const headers: Record<string, string> = {};
  const inTemplate = templateQueryNames(op.path);
  for (const param of op.parameters) {
    if (!isSentParameter(param)) continue;
    const value = parameterSample(doc, validator, param);
    if (param.in === "path")
      path = path.replaceAll(`{${param.name}}`, pathValue(param.name, value, param.style, param.explode));
    else if (param.in === "query" && inTemplate.has(param.name))
      path = path.replaceAll(`{${param.name}}`, encodeURIComponent(scalar(value)));
    else if (param.in === "query")
      query.push(
        ...(param.contentType
          ? [[param.name, JSON.stringify(value)] as [string, string]]
          : queryPairs(param.name, value, param.style, param.explode)),
      );
    else if (param.in === "header") headers[param.name] = scalar(value);
  }
  const out: ContractCase = {
    operationId: op.operationId,
    method: op.method.toUpperCase(),
    path,
    query,
    headers,
    statuses: finalResponses(op.responses).map((r) => r.status),
    responses: {},
  };
  // Some documents (Stripe) declare bodies on GET; fetch cannot send one.
  const body = sendableRequestBody(op);
  if (body && /json/i.test(body.contentType)) {
    const media = preferredMedia(body.content);
    out.headers["content-type"] = body.contentType;
    out.body = JSON.stringify(
      media?.schema !== undefined ? validSample(doc, validator, media.schema, media.example) : {},
    );
  } else if (body && body.contentType === "application/x-www-form-urlencoded") {
    const schema = preferredMedia(body.content)?.schema ?? body.schema;
    const value =
      schema === undefined
        ? {}
        : (filledFormSample(
            doc,
            validator,
            schema,
            formSample(doc, validator, schema),
            body.required,
          ) as Record<string, unknown>);
    out.headers["content-type"] = body.contentType;
    out.body = new URLSearchParams(
      Object.entries(value).flatMap(([k, v]) => queryPairs(k, v, "deepObject", true)),
    ).toString();
  } else if (body && /^multipart\/form-data/i.test(body.contentType)) {
    // issue 19: a real multipart body (boundary, file parts), not none.
    const schema = preferredMedia(body.content)?.schema ?? body.schema;
    const value =
      schema === undefined
        ? {}
        : filledFormSample(doc, validator, schema, validSample(doc, validator, schema), body.required);
    const form = multipartSample(doc, schema, value);
    out.headers["content-type"] = form.contentType;
    out.body = form.body;
  } else if (body?.required) {
    // A required body of another type — a file (whatsapp's `POST /media` takes `application/pdf`
    // and a dozen more), plain text — went empty, and our own mock refused it (issue 19). It is
    // sent as its sample text, a few bytes for a binary sample; a media range as JSON, as Postman
    // sends it.
    const media = preferredMedia(body.content);
    const value =
      media?.schema !== undefined ? validSample(doc, validator, media.schema, media.example) : media?.example;
    const range = body.contentType.includes("*");
    out.headers["content-type"] = range ? "application/json" : body.contentType;
    out.body = range
      ? JSON.stringify(value ?? "sample")
      : typeof value === "string" && value !== ""
        ? value
        : "sample";
  }
  for (const response of op.responses) {
    const media = response.content.find((m) => /json/i.test(m.contentType));
    if (media?.schema !== undefined) out.responses[response.status] = toJsonSchema(media.schema, dialect30);
  }
  return out;
}

/** A vitest contract suite: `contract.test.ts`, `cases.json`, `schemas.json`. */
export function generateContractTests(
  context: Pick<GeneratorContext, "document" | "operations">,
  options: TestsOptions = {},
): GeneratedFile[] {
  const doc = context.document;
  const validator = createSchemaValidator(doc);
  const wanted = options.operations ? new Set(options.operations) : undefined;
  const cases = context.operations
    .filter((op) => !wanted || wanted.has(op.operationId))
    .map((op) => contractCase(doc, validator, op));
  return [
    {
      path: "contract.test.ts",
      contents: suiteSource(
        `${doc.info.title} ${doc.info.version}`,
        options.baseUrlEnv ?? testsDefaults.baseUrlEnv,
        serverUrl(doc),
      ),
    },
    { path: "cases.json", contents: `${JSON.stringify(cases, null, 1)}\n` },
    {
      path: "schemas.json",
      contents: `${JSON.stringify({ $id: DOCUMENT_ID, components: toJsonSchema(doc.components ?? {}, isDialect30(doc)) })}\n`,
    },
  ];
}

/** The `tests` generator: a vitest contract suite that checks statuses and response schemas. */
export const testsGenerator: Generator<TestsOptions, "tests"> = {
  name: "tests",
  description:
    "a vitest contract suite calling each operation and validating status and response schema (Ajv)",
  outDir: "tests",
  generate: (context, options) => generateContractTests(context, options),
};
