import { type ConnectorContext, ConnectorError, ErrorCode, ValidationError } from "@synapseops/core";

/** The base URL for the call's environment: `baseUrls[env]`, then `baseUrl`, then the environment's. */
export function resolveBaseUrl(
  config: { baseUrl?: string | undefined; baseUrls: Readonly<Record<string, string>> },
  context: ConnectorContext,
  connectorType: string,
): string {
  const environment = context.environment;
  const base = config.baseUrls[environment.name] ?? config.baseUrl ?? environment.baseUrl;
  if (base === undefined) {
    throw new ValidationError(
      `${connectorType}: no base URL for environment "${environment.name}" (set baseUrl, baseUrls.${environment.name} or the environment's baseUrl)`,
      { code: ErrorCode.CONNECTOR_INVALID, path: "/baseUrl" },
    );
  }
  return base;
}

/**
 * Joins a base URL and a path template, filling `{name}` from `values` (percent-encoded as a
 * path segment, RFC 3986 §3.3), then adds query parameters.
 */
export function buildUrl(
  base: string,
  template: string,
  values: unknown,
  query: Readonly<Record<string, string | readonly string[]>> = {},
): URL {
  const path = template.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    const value =
      values !== null && typeof values === "object" ? (values as Record<string, unknown>)[name] : undefined;
    if (value === undefined || value === null || typeof value === "object") {
      throw ConnectorError.nonRetryable(
        `path "${template}" needs the field "${name}", which the record lacks`,
        {
          path: `/${name}`,
        },
      );
    }
    return encodeURIComponent(String(value));
  });
  const joined =
    path === ""
      ? base
      : `${base.endsWith("/") ? base.slice(0, -1) : base}${path.startsWith("/") ? path : `/${path}`}`;
  const url = new URL(joined);
  for (const [name, value] of Object.entries(query)) {
    if (typeof value === "string") url.searchParams.set(name, value);
    else for (const item of value) url.searchParams.append(name, item);
  }
  return url;
}

/** The value at a dot path (`data.items`); "" is the value itself. */
export function atPath(value: unknown, path: string): unknown {
  if (path === "") return value;
  let current = value;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
