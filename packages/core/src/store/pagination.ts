import { ErrorCode, ValidationError } from "../errors";
import { STORE_INT_MAX, unsafeTextReason } from "../input-guard";
import type { Page, PageRequest } from "./types";

/** Default and largest page sizes. */
export const PAGE_LIMIT = { default: 50, max: 500 } as const;

/** A page size within bounds. */
export function pageLimit(request: PageRequest | undefined): number {
  const limit = request?.limit ?? PAGE_LIMIT.default;
  if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_LIMIT.max) {
    throw new ValidationError(`page limit must be an integer from 1 to ${PAGE_LIMIT.max}, got ${limit}`, {
      path: "/limit",
    });
  }
  return limit;
}

/** An opaque cursor for the position after `key` (an id, a revision number…). */
export function encodeCursor(key: string | number): string {
  return Buffer.from(JSON.stringify({ k: key })).toString("base64url");
}

/** The key a cursor stands for. @throws ValidationError `CURSOR_INVALID`. */
export function decodeCursor(cursor: string): string | number {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { k?: unknown };
    // issue 16: a forged cursor must not carry NUL or an out-of-range number to the store.
    const key = parsed.k;
    if (typeof key === "string" && unsafeTextReason(key) === undefined) return key;
    if (typeof key === "number" && Number.isInteger(key) && key >= 0 && key <= STORE_INT_MAX) return key;
  } catch {
    // fall through to the typed error below
  }
  throw new ValidationError(`cursor "${cursor}" is not one this store issued`, {
    code: ErrorCode.CURSOR_INVALID,
    path: "/cursor",
  });
}

/**
 * One page from items already sorted by `key` in the page's direction: what comes after the
 * cursor, up to the limit, with the next cursor when more remain.
 */
export function pageOf<T>(
  sorted: readonly T[],
  key: (item: T) => string | number,
  request: PageRequest | undefined,
  direction: "asc" | "desc" = "asc",
): Page<T> {
  const limit = pageLimit(request);
  const after = request?.cursor === undefined ? undefined : decodeCursor(request.cursor);
  const rest =
    after === undefined
      ? sorted
      : sorted.filter((item) => (direction === "asc" ? key(item) > after : key(item) < after));
  const items = rest.slice(0, limit);
  const last = items.at(-1);
  return rest.length > limit && last !== undefined
    ? { items, nextCursor: encodeCursor(key(last)) }
    : { items };
}
