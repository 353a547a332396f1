/** Request headers as any framework gives them: a fetch `Headers`, or Node's header object. */
export type WebhookHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Reads a header case-insensitively; repeated headers are joined with ", " (RFC 9110 §5.3). */
export function headerValue(headers: WebhookHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const lower = name.toLowerCase();
  let value = headers[lower];
  if (value === undefined) {
    for (const [key, candidate] of Object.entries(headers)) {
      if (key.toLowerCase() === lower) {
        value = candidate;
        break;
      }
    }
  }
  if (value === undefined) return undefined;
  return typeof value === "string" ? value : value.join(", ");
}

/** Headers as a plain object with lower-case names, for a delivery. */
export function plainHeaders(headers: WebhookHeaders): Record<string, string> {
  const plain: Record<string, string> = {};
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  for (const [key, value] of entries) {
    if (value === undefined) continue;
    plain[key.toLowerCase()] = typeof value === "string" ? value : value.join(", ");
  }
  return plain;
}
