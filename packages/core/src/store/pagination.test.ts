import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, pageOf } from "./pagination";

describe("cursor pagination", () => {
  const items = Array.from({ length: 7 }, (_, i) => ({ id: `id_${i}` }));

  it("walks every item once, in order, ascending and descending", () => {
    for (const direction of ["asc", "desc"] as const) {
      const sorted = direction === "asc" ? items : [...items].reverse();
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = pageOf(
          sorted,
          (item) => item.id,
          { limit: 3, ...(cursor ? { cursor } : {}) },
          direction,
        );
        seen.push(...page.items.map((item) => item.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(sorted.map((item) => item.id));
    }
  });

  it("has no next cursor on an exactly full last page", () => {
    expect(pageOf(items.slice(0, 3), (item) => item.id, { limit: 3 }).nextCursor).toBeUndefined();
  });

  it("round-trips numeric keys and rejects foreign cursors and bad limits", () => {
    expect(decodeCursor(encodeCursor(42))).toBe(42);
    expect(() => decodeCursor("%%%")).toThrow(
      expect.objectContaining({ code: "CURSOR_INVALID", path: "/cursor" }),
    );
    expect(() => decodeCursor(Buffer.from('{"x":1}').toString("base64url"))).toThrow(
      /not one this store issued/,
    );
    expect(() => pageOf(items, (item) => item.id, { limit: 501 })).toThrow(
      expect.objectContaining({ path: "/limit" }),
    );
  });
});
