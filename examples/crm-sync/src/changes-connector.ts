/**
 * "crm-changes": a source connector for the "records modified since" endpoints CRMs have. Its
 * cursor is a watermark — the latest modification time read — so a poll after a successful run
 * asks only for what changed since. Pages are followed by a next-page URL (Salesforce's
 * `nextRecordsUrl`) or a token parameter (HubSpot's `paging.next.after`). It only reads: the
 * sync writes through the built-in http connector.
 */
import {
  type Connector,
  type ConnectorContext,
  ConnectorError,
  connectorErrorFromStatus,
  defineConnector,
  isRetryableNetworkError,
} from "@synapseops/connectors";
import { z } from "zod";

/** The config of a `crm-changes` connector ref. */
export const CrmChangesConfig = z.object({
  /** The endpoint listing changed records. */
  url: z.url(),
  /** The query parameter taking the watermark (`modifiedSince`, `updatedAfter`). */
  sinceParam: z.string().min(1),
  /** The query parameter taking the page size. */
  pageSizeParam: z.string().min(1).default("limit"),
  /** Records per page. */
  pageSize: z.int().min(1).max(1000).default(100),
  /** Dot path of the records array in a page (`records`, `results`). */
  itemsPath: z.string().min(1),
  /** Dot path of a record's modification time, an ISO 8601 string (`LastModifiedDate`, `updatedAt`). */
  updatedAtPath: z.string().min(1),
  /** How the next page is found. */
  next: z.discriminatedUnion("type", [
    /** A URL (absolute, or relative to `url`) at a dot path of the page. */
    z.object({ type: z.literal("url"), path: z.string().min(1) }),
    /** A token at a dot path of the page, sent back in `param` with the first page's query. */
    z.object({ type: z.literal("token"), path: z.string().min(1), param: z.string().min(1) }),
  ]),
});
/** The parsed config (defaults applied). */
export type CrmChangesConfig = z.output<typeof CrmChangesConfig>;

/**
 * The `crm-changes` connector. Authenticates with the `token` secret as a bearer token.
 *
 * @example
 * ```ts
 * createRuntime({ connectors: [crmChanges(), http()] });
 * ```
 */
export function crmChanges(): Connector<CrmChangesConfig> {
  return defineConnector({
    type: "crm-changes",
    version: "1.0.0",
    configSchema: CrmChangesConfig,
    secrets: ["token"],
    capabilities: {
      async *read(config, context, { cursor }) {
        const since = typeof cursor === "string" ? cursor : undefined;
        const first = new URL(config.url);
        first.searchParams.set(config.pageSizeParam, String(config.pageSize));
        if (since !== undefined) first.searchParams.set(config.sinceParam, since);
        let watermark = since;
        let next: URL | undefined = first;
        while (next !== undefined) {
          const page = await getJson(next, context);
          const records = at(page, config.itemsPath);
          if (!Array.isArray(records)) {
            throw ConnectorError.nonRetryable(`crm-changes ${next}: no array at "${config.itemsPath}"`);
          }
          for (const record of records) {
            const stamp = at(record, config.updatedAtPath);
            if (typeof stamp === "string" && (watermark === undefined || stamp > watermark))
              watermark = stamp;
          }
          next = nextPage(config, first, page);
          // Every batch carries the watermark so far: a poll stops anywhere and resumes from it.
          yield watermark === undefined ? { records } : { records, cursor: watermark };
        }
      },
      async test(config, context) {
        await getJson(new URL(config.url), context);
      },
    },
  });
}

function nextPage(config: CrmChangesConfig, first: URL, page: unknown): URL | undefined {
  const value = at(page, config.next.path);
  if (typeof value !== "string" || value === "") return undefined;
  if (config.next.type === "url") return new URL(value, config.url);
  const url = new URL(first);
  url.searchParams.set(config.next.param, value);
  return url;
}

async function getJson(url: URL, context: ConnectorContext): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Bearer ${context.secrets.token}`, accept: "application/json" },
      signal: context.signal,
    });
  } catch (error) {
    throw new ConnectorError(`crm-changes GET ${url}: ${error instanceof Error ? error.message : error}`, {
      retryable: isRetryableNetworkError(error),
      cause: error,
    });
  }
  if (!response.ok) {
    throw connectorErrorFromStatus(response.status, `crm-changes GET ${url.pathname}: ${response.status}`, {
      retryAfter: response.headers.get("retry-after"),
    });
  }
  return response.json();
}

function at(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
