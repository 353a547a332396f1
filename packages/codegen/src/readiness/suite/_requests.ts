import { randomUUID } from "node:crypto";
import { type OpenApiDocument, type OperationDescriptor, preferredMedia } from "@synapseops/core";
import { sendableRequestBody } from "../../_http";
import { filledFormSample } from "../../generators/postman/_filled-sample";
import { checkedSample, formReady, queryPairs } from "../../generators/postman/_request";
import { contractCase } from "../../generators/tests/index";
import type { SchemaValidator } from "../../schema/validator";
import { securitySchemes } from "../_credentials";
import type { CaseRequest } from "../types";

/** A valid request for an operation, with its body as a value so cases can vary it. */
export interface SampleRequest {
  request: CaseRequest;
  /** The body value (before serialisation), when the operation takes a JSON or form body. */
  body?: { kind: "json" | "form"; schema: unknown; value: unknown; contentType: string };
  /** False when no sample validates against the body schema (the request can only be refused). */
  satisfiable: boolean;
}

/** The body as sent: JSON text, or `a=1&b[c]=2` for forms (deepObject, as Stripe reads them). */
export function serialiseBody(kind: "json" | "form", value: unknown): string {
  if (kind === "json") return JSON.stringify(value);
  const object = (value ?? {}) as Record<string, unknown>;
  return new URLSearchParams(
    Object.entries(object).flatMap(([k, v]) => queryPairs(k, v, "deepObject", true)),
  ).toString();
}

/**
 * A request that should succeed: required parameters from examples or `sampleFromSchema` (the
 * contract-test generator's choice), the body from its example or a sample that validates.
 */
export function sampleRequest(
  doc: OpenApiDocument,
  validator: SchemaValidator,
  op: OperationDescriptor,
): SampleRequest {
  const base = contractCase(doc, validator, op);
  // A parameter that is also the operation's API key is the credential's to fill (issue 19): a
  // sample value would be sent beside the key, or stand in for it in a request without one.
  const keys = apiKeyParameters(doc, op);
  const request: CaseRequest = {
    method: base.method,
    path: base.path,
    query: base.query.filter(([name]) => !keys.has(`query:${name}`)),
    headers: Object.fromEntries(
      Object.entries(base.headers).filter(([name]) => !keys.has(`header:${name.toLowerCase()}`)),
    ),
    operationId: op.operationId,
  };
  const declared = sendableRequestBody(op);
  if (!declared) return { request, satisfiable: true };
  const kind = /json/i.test(declared.contentType)
    ? "json"
    : declared.contentType === "application/x-www-form-urlencoded"
      ? "form"
      : undefined;
  if (!kind) {
    if (base.body !== undefined) request.body = base.body;
    return { request, satisfiable: true };
  }
  const media = preferredMedia(declared.content);
  const schema = media?.schema ?? declared.schema;
  const sample =
    schema === undefined ? { value: {}, valid: true } : checkedSample(doc, validator, schema, media?.example);
  const value =
    kind === "form"
      ? formReady(
          doc,
          schema,
          filledFormSample(doc, validator, schema, sample.value ?? {}, declared.required),
        )
      : (sample.value ?? {});
  request.body = serialiseBody(kind, value);
  request.headers = { ...request.headers, "content-type": declared.contentType };
  return {
    request,
    body: { kind, schema, value, contentType: declared.contentType },
    satisfiable: sample.valid,
  };
}

/** `query:<name>` / `header:<lower-case name>` of the API keys the operation's security names. */
export function apiKeyParameters(doc: OpenApiDocument, op: OperationDescriptor): Set<string> {
  const schemes = securitySchemes(doc);
  const out = new Set<string>();
  for (const requirement of op.security)
    for (const name of Object.keys(requirement)) {
      const scheme = schemes[name];
      if (scheme?.type !== "apiKey" || !scheme.name) continue;
      if (scheme.in === "query") out.add(`query:${scheme.name}`);
      if (scheme.in === "header") out.add(`header:${scheme.name.toLowerCase()}`);
    }
  return out;
}

/** The sample request with another body value. */
export function withBody(sample: SampleRequest, value: unknown): CaseRequest {
  if (!sample.body) return sample.request;
  return { ...sample.request, body: serialiseBody(sample.body.kind, value) };
}

/** `count` items spread evenly over a list (all of it when short enough). */
export function spread<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  const step = items.length / count;
  return Array.from({ length: count }, (_, i) => items[Math.floor(i * step)]!);
}

/** The request with a new value in any `Idempotency-Key` header it carries (the sample's is shared). */
export function withFreshIdempotencyKey(request: CaseRequest): CaseRequest {
  const headers = request.headers;
  const name = headers && Object.keys(headers).find((h) => /^idempotency-key$/i.test(h));
  if (!headers || name === undefined) return request;
  return { ...request, headers: { ...headers, [name]: `synapseops-${randomUUID()}` } };
}
