// HTTP message details the mock server and validateExchange read the same way: one place, so a
// request the playground accepts is one the mock accepts.

/** Whether a documented media range (`*\/*`, `image/*`) covers a content type. */
export function mediaMatches(pattern: string, type: string): boolean {
  if (pattern === "*/*") return true;
  const [a, b] = pattern.toLowerCase().split("/");
  const [c] = type.split("/");
  return b === "*" && a === c;
}

/** The documented media type for a (lower-case, parameter-free) content type: exact first, then a range. */
export function findMedia<T extends { contentType: string }>(
  content: readonly T[],
  type: string,
): T | undefined {
  return (
    content.find((m) => m.contentType.toLowerCase() === type) ??
    // A documented `application/json; charset=utf-8` covers `application/json` (issue 19).
    content.find((m) => mediaEssence(m.contentType) === type) ??
    content.find((m) => mediaMatches(mediaEssence(m.contentType), type))
  );
}

/** A media type without its parameters, lower-case: `Application/JSON; charset=utf-8` → `application/json`. */
export function mediaEssence(contentType: string): string {
  return contentType.split(";")[0]!.trim().toLowerCase();
}

/** The value of one cookie in a `Cookie` header. */
export function cookieValue(header: string | null | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return undefined;
}

/**
 * Parameters a server never reads as documented (issue 19): OpenAPI 3 §4.8.12.1 says header
 * parameters named `Accept`, `Content-Type` or `Authorization` SHALL be ignored (content
 * negotiation and security schemes own those headers), and a parameter without a name names
 * nothing (`Headers.get("")` even throws).
 */
export function isIgnoredParameter(param: { in: string; name: string }): boolean {
  return (
    param.name === "" || (param.in === "header" && /^(accept|content-type|authorization)$/i.test(param.name))
  );
}
