import {
  type MediaDescriptor,
  type OpenApiDocument,
  type OperationDescriptor,
  preferredMedia,
  type ResponseDescriptor,
} from "@synapseops/core";
import { sampleFromSchema } from "../schema/sample";
import type { SchemaValidator } from "../schema/validator";

/** A response the mock sends: status, content type and body value. */
export interface MockResponseBody {
  status: number;
  contentType?: string;
  body?: unknown;
  headers: Record<string, string>;
}

/** The documented response for a wanted status (`200`, else the first 2XX, else `default`). */
export function pickResponse(
  operation: OperationDescriptor,
  wanted?: number,
): ResponseDescriptor | undefined {
  const responses = operation.responses;
  if (wanted !== undefined) {
    return (
      responses.find((r) => r.status === String(wanted)) ??
      responses.find((r) => r.status.toUpperCase() === `${String(wanted)[0]}XX`) ??
      responses.find((r) => r.status === "default")
    );
  }
  return (
    responses.find((r) => /^2\d\d$/.test(r.status)) ??
    responses.find((r) => r.status.toUpperCase() === "2XX") ??
    responses.find((r) => r.status === "default") ??
    responses[0]
  );
}

/** A numeric status for a documented one (`2XX` → 200, `default` → the fallback). */
export function statusNumber(status: string, fallback: number): number {
  if (/^\d{3}$/.test(status)) return Number(status);
  if (/^[1-5]XX$/i.test(status)) return Number(status[0]) * 100;
  return fallback;
}

/**
 * The body for a documented response: its example when it fits the schema, else a sample
 * synthesised from the schema (trying a few `oneOf` variants until one validates).
 */
export function buildResponseBody(
  doc: OpenApiDocument,
  validator: SchemaValidator,
  media: MediaDescriptor | undefined,
): unknown {
  if (!media) return undefined;
  const candidates: unknown[] = [];
  if (media.example !== undefined) candidates.push(media.example);
  for (const value of Object.values(media.examples ?? {})) candidates.push(value);
  if (media.schema === undefined) return candidates[0] ?? {};
  for (const candidate of candidates)
    if (validator.validate(media.schema, candidate).length === 0) return candidate;
  let first: unknown;
  for (let variant = 0; variant < 4; variant++) {
    for (const useExamples of [true, false]) {
      const value = sampleFromSchema(doc, media.schema, { variant, useExamples, direction: "response" });
      if (variant === 0 && useExamples) first = value;
      if (validator.validate(media.schema, value).length === 0) return value;
    }
  }
  return first;
}

/** The response media a client gets: JSON preferred. */
export function responseMedia(response: ResponseDescriptor | undefined): MediaDescriptor | undefined {
  return response ? preferredMedia(response.content) : undefined;
}
