import { ErrorCode, ValidationError } from "../errors";
import { decodeCursor, encodeCursor, pageLimit } from "../store/pagination";
import type { Page, PageRequest } from "../store/types";

/** A page request resolved for SQL: `LIMIT limit + 1` tells whether another page follows. */
export interface PageBounds<K extends string | number> {
  limit: number;
  after: K | undefined;
}

/**
 * The limit and the key after the cursor. The key's type must match the list's (an id or a
 * revision number); a cursor from another list is refused like a malformed one.
 */
export function pageBounds<K extends "string" | "number">(
  request: PageRequest | undefined,
  keyType: K,
): PageBounds<K extends "string" ? string : number> {
  const limit = pageLimit(request);
  if (request?.cursor === undefined) return { limit, after: undefined };
  const after = decodeCursor(request.cursor);
  if (typeof after !== keyType) {
    throw new ValidationError(`cursor "${request.cursor}" is not one this store issued`, {
      code: ErrorCode.CURSOR_INVALID,
      path: "/cursor",
    });
  }
  return { limit, after: after as K extends "string" ? string : number };
}

/** A page from up to `limit + 1` rows in page order, as `pageOf` builds it in the memory store. */
export function toPage<T>(rows: readonly T[], limit: number, key: (item: T) => string | number): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return rows.length > limit && last !== undefined
    ? { items, nextCursor: encodeCursor(key(last)) }
    : { items };
}
