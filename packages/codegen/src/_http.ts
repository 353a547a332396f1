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
    content.find((m) => mediaMatches(m.contentType, type))
  );
}

/** The value of one cookie in a `Cookie` header. */
export function cookieValue(header: string | null | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return undefined;
}
