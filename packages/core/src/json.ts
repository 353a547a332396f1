import { createHash } from "node:crypto";
import canonicalize from "canonicalize";

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Canonical JSON text (RFC 8785 JSON Canonicalization Scheme): sorted keys, fixed number forms. */
export function canonicalJson(value: unknown): string {
  return canonicalize(value) ?? "null";
}

/** `sha256:<hex>` over the canonical JSON form, so equal content has equal hashes. */
export function contentHash(value: unknown): string {
  return `sha256:${createHash("sha256").update(canonicalJson(value)).digest("hex")}`;
}

/** A JSON pointer (RFC 6901) from path segments. */
export function toJsonPointer(path: readonly PropertyKey[]): string {
  return path.map((segment) => `/${String(segment).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");
}
