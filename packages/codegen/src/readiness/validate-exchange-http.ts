import type { ExchangeHeaders } from "./validate-exchange-types";

/** A `Headers` from any header shape (multiple values joined with `, `). */
export function toHeaders(headers: ExchangeHeaders | undefined): Headers {
  if (headers instanceof Headers) return headers;
  const out = new Headers();
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    try {
      out.set(name, typeof value === "string" ? value : value.join(", "));
    } catch {
      // A header name or value a real client could not send is ignored, not thrown.
    }
  }
  return out;
}
