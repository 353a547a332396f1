/**
 * The `rel="next"` target of an RFC 8288 §3 `Link` header
 * (`<https://api…?page=2>; rel="next", <…>; rel="last"`), resolved against the request URL.
 */
export function nextLink(header: string | null, requestUrl: string): string | undefined {
  if (header === null) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (match === null) continue;
    const params = match[2] ?? "";
    // rel may list several space-separated types (RFC 8288 §3.3): rel="next last".
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
    const types = (rel?.[1] ?? rel?.[2] ?? "").toLowerCase().split(/\s+/);
    if (types.includes("next")) return new URL(match[1] ?? "", requestUrl).href;
  }
  return undefined;
}
