import { ConnectorError } from "@synapseops/core";
import type { BodyType } from "./config";

/** A request body ready for fetch, with its content type. */
export interface EncodedBody {
  body: string;
  contentType: string;
}

/** Encodes a record as a JSON, form (`application/x-www-form-urlencoded`) or text body. */
export function encodeBody(value: unknown, type: BodyType): EncodedBody {
  switch (type) {
    case "json":
      return { body: JSON.stringify(value), contentType: "application/json" };
    case "form": {
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        throw ConnectorError.nonRetryable(`a form body needs an object of fields, got ${describe(value)}`);
      }
      const form = new URLSearchParams();
      for (const [key, field] of Object.entries(value)) {
        if (field === undefined || field === null) continue;
        for (const item of Array.isArray(field) ? field : [field]) {
          form.append(key, typeof item === "object" ? JSON.stringify(item) : String(item));
        }
      }
      return { body: form.toString(), contentType: "application/x-www-form-urlencoded" };
    }
    case "text":
      return {
        body: typeof value === "string" ? value : JSON.stringify(value),
        contentType: "text/plain; charset=utf-8",
      };
  }
}

/** Whether a content type is JSON (`application/json`, `application/problem+json`…), RFC 6839 §3.1. */
export function isJsonContentType(contentType: string | null): boolean {
  if (contentType === null) return false;
  const media = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return media === "application/json" || media.endsWith("+json");
}

function describe(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}
