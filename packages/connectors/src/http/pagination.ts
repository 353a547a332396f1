import { ConnectorError, type ReadBatch } from "@synapseops/core";
import type { HttpResult } from "./_send";
import { atPath } from "./_url";
import type { HttpReadSpec } from "./config";
import { nextLink } from "./link-header";

/** Fetches one page given extra query parameters or, for link-header paging, an absolute URL. */
export type PageFetcher = (page: { query: Record<string, string>; url?: string }) => Promise<HttpResult>;

/**
 * Walks the pages of a read. Each batch's cursor is what resumes *after* it: the next cursor
 * token, next link, next offset or next page number. A batch without a cursor is the last.
 */
export async function* readPages(
  spec: HttpReadSpec,
  cursor: unknown,
  fetchPage: PageFetcher,
): AsyncGenerator<ReadBatch> {
  const paging = spec.pagination;
  let position: unknown = cursor;
  for (let pages = 0; pages < spec.maxPages; pages += 1) {
    let result: HttpResult;
    switch (paging.type) {
      case "none":
      case "link-header":
        result = await fetchPage({ query: {}, ...(typeof position === "string" ? { url: position } : {}) });
        break;
      case "cursor":
        result = await fetchPage({ query: typeof position === "string" ? { [paging.param]: position } : {} });
        break;
      case "offset":
        result = await fetchPage({
          query: {
            [paging.offsetParam]: String(asNumber(position, 0)),
            [paging.limitParam]: String(paging.limit),
          },
        });
        break;
      case "page":
        result = await fetchPage({
          query: {
            [paging.pageParam]: String(asNumber(position, paging.firstPage)),
            [paging.sizeParam]: String(paging.size),
          },
        });
        break;
    }
    const records = atPath(result.body, spec.itemsPath);
    if (!Array.isArray(records)) {
      throw ConnectorError.nonRetryable(
        `read ${result.url}: expected an array at "${spec.itemsPath || "(body)"}", got ${records === null ? "null" : typeof records}`,
        { status: result.status },
      );
    }
    const next = nextCursor(paging, position, records.length, result);
    yield next === undefined ? { records } : { records, cursor: next };
    if (next === undefined) return;
    position = next;
  }
}

function nextCursor(
  paging: HttpReadSpec["pagination"],
  position: unknown,
  count: number,
  result: HttpResult,
): unknown {
  switch (paging.type) {
    case "none":
      return undefined;
    case "cursor": {
      const token = atPath(result.body, paging.nextPath);
      return typeof token === "string" && token !== ""
        ? token
        : typeof token === "number"
          ? String(token)
          : undefined;
    }
    case "link-header":
      return nextLink(result.headers.get("link"), result.url);
    case "offset":
      return count < paging.limit ? undefined : asNumber(position, 0) + count;
    case "page":
      return count < paging.size ? undefined : asNumber(position, paging.firstPage) + 1;
  }
}

function asNumber(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}
