import type { PaginationShape } from "../_features";

/** The value at a path in a JSON value. */
export function atPath(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The `rel="next"` target of a `Link` header (RFC 8288), if any. */
export function nextLink(header: string | null): string | undefined {
  for (const part of (header ?? "").split(/,(?=\s*<)/)) {
    const match = /<([^>]*)>\s*;(.*)$/.exec(part.trim());
    if (match && /\brel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/i.test(match[2] ?? "")) return match[1];
  }
  return undefined;
}

/** Where the next page is: an absolute or root-relative URL, new query values, or nowhere. */
export type NextPage = { url: string } | { query: Record<string, string> } | undefined;

/**
 * The next page after one response, from (in order) a `Link: rel="next"` header, a next-cursor
 * or next-URL body field, `has_more` with the last item's id (`starting_after`), or a full page
 * of an offset or page-number list. Empty strings and null mean "no more".
 */
export function nextPage(
  shape: PaginationShape,
  response: { headers: Headers; json: unknown },
  items: readonly unknown[],
  position: { offset: number; page: number; limit?: number },
): NextPage {
  const link = nextLink(response.headers.get("link"));
  if (link) return { url: link };
  if (shape.kind === "link") return undefined;
  const hasMore = shape.hasMoreField ? atPath(response.json, [shape.hasMoreField]) : undefined;
  if (hasMore === false) return undefined;
  if (shape.nextField) {
    const next = atPath(response.json, shape.nextField);
    if (typeof next === "string" && next !== "") {
      if (/^(https?:\/\/|\/)/.test(next)) return { url: next };
      return shape.param ? { query: { [shape.param]: next } } : undefined;
    }
    if (!shape.hasMoreField) return undefined;
  }
  if (shape.kind === "cursor") {
    const last = items.at(-1) as { id?: unknown } | undefined;
    if (
      hasMore === true &&
      shape.param &&
      last &&
      (typeof last.id === "string" || typeof last.id === "number")
    )
      return { query: { [shape.param]: String(last.id) } };
    return undefined;
  }
  // Offset and page lists go on while pages are full (or, without a known size, not empty).
  const full = position.limit !== undefined ? items.length >= position.limit : items.length > 0;
  if (!full || items.length === 0 || !shape.param) return undefined;
  if (shape.kind === "offset") return { query: { [shape.param]: String(position.offset + items.length) } };
  return { query: { [shape.param]: String(position.page + 1) } };
}

/** What identifies an item: its `id` when it has one, else its JSON. */
export function itemIdentity(item: unknown): string {
  if (item !== null && typeof item === "object") {
    const id = (item as { id?: unknown }).id;
    if (typeof id === "string" || typeof id === "number") return `id:${id}`;
  }
  return `json:${JSON.stringify(item)}`;
}
