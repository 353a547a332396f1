import {
  type MediaDescriptor,
  type OpenApiDocument,
  type OperationDescriptor,
  preferredMedia,
  type ResponseDescriptor,
} from "@synapseops/core";
import { finalResponses } from "../_http";
import { pickSample } from "../schema/pick-sample";
import type { SchemaValidator } from "../schema/validator";

/** A response the mock sends: status, content type and body value. */
export interface MockResponseBody {
  status: number;
  contentType?: string;
  body?: unknown;
  headers: Record<string, string>;
}

/**
 * The documented response for a wanted status (`200`, else the first 2XX, else `default`), among
 * the final ones: a 1xx cannot answer a request ({@link finalResponses}).
 */
export function pickResponse(
  operation: OperationDescriptor,
  wanted?: number,
): ResponseDescriptor | undefined {
  const responses = finalResponses(operation.responses);
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
 * The body for a documented response, by {@link pickSample}'s rule: its example when it
 * validates against the schema, else a sample synthesised from the schema.
 */
export function buildResponseBody(
  doc: OpenApiDocument,
  validator: SchemaValidator,
  media: MediaDescriptor | undefined,
): unknown {
  if (!media) return undefined;
  const examples: unknown[] = [];
  if (media.example !== undefined) examples.push(media.example);
  for (const value of Object.values(media.examples ?? {})) examples.push(value);
  if (media.schema === undefined) return examples[0] ?? {};
  return pickSample(doc, validator, media.schema, { direction: "response", examples }).value;
}

/** The response media a client gets: JSON preferred. */
export function responseMedia(response: ResponseDescriptor | undefined): MediaDescriptor | undefined {
  return response ? preferredMedia(response.content) : undefined;
}
