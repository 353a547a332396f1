import type { OpenApiDocument } from "./types";

/** Splits a JSON pointer (RFC 6901, with or without a leading `#`) into unescaped segments. */
export function parsePointer(pointer: string): string[] {
  const raw = pointer.startsWith("#") ? pointer.slice(1) : pointer;
  if (raw === "") return [];
  let decoded = raw;
  // Fragments may be percent-encoded (`#/paths/~1pets%7Bid%7D`): RFC 6901 §6.
  if (pointer.startsWith("#") && raw.includes("%")) {
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      decoded = raw;
    }
  }
  return decoded
    .slice(1)
    .split("/")
    .map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/** The value at a JSON pointer, or `undefined` when it does not exist. */
export function getAtPointer(root: unknown, pointer: string | readonly string[]): unknown {
  const segments = typeof pointer === "string" ? parsePointer(pointer) : pointer;
  let current: unknown = root;
  for (const segment of segments) {
    if (current === null || typeof current !== "object") return undefined;
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Whether a value is a `{ $ref: string }` reference object. */
export function isRef(value: unknown): value is { $ref: string } {
  return (
    value !== null && typeof value === "object" && typeof (value as { $ref?: unknown }).$ref === "string"
  );
}

/**
 * Follows local `$ref`s (`#/components/…`) until a non-reference value, with a guard against
 * reference loops. Returns `undefined` when a reference does not resolve.
 *
 * @example
 * ```ts
 * const param = resolveRef(doc, { $ref: "#/components/parameters/limit" });
 * ```
 */
export function resolveRef<T = unknown>(doc: OpenApiDocument, value: unknown): T | undefined {
  let current = value;
  for (let hops = 0; isRef(current); hops++) {
    if (hops > 50 || !current.$ref.startsWith("#")) return undefined;
    current = getAtPointer(doc, current.$ref);
  }
  return current as T | undefined;
}
