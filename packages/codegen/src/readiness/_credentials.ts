import type { OpenApiDocument, OperationDescriptor } from "@synapseops/core";
import { isHeaderName } from "../_http";

type Scheme = { type?: string; in?: string; name?: string; scheme?: string };

/** The security schemes a document declares, by name. */
export function securitySchemes(doc: OpenApiDocument): Record<string, Scheme> {
  return (doc.components?.securitySchemes ?? {}) as Record<string, Scheme>;
}

/**
 * Whether a request can carry (or leave out) a credential of the scheme: not for mutual TLS
 * (the connection carries it), an API key without a name, nor one in a header whose name is no
 * HTTP token (rapidapi's `ADVICEment API Key`; issue 19).
 */
export function isCarriedInRequest(scheme: Scheme | undefined): boolean {
  if (scheme?.type === "mutualTLS") return false;
  if (scheme?.type !== "apiKey") return true;
  return !!scheme.name && (scheme.in === "query" || scheme.in === "cookie" || isHeaderName(scheme.name));
}

/**
 * Puts a credential where its scheme says: an API key in its header, query or cookie; HTTP
 * basic as `Basic base64(user:password)`; bearer, OAuth2 and OpenID Connect as `Bearer <token>`.
 */
export function placeCredential(
  scheme: Scheme,
  value: string,
  headers: Record<string, string>,
  query: [string, string][],
): void {
  if (scheme.type === "apiKey") {
    if (!scheme.name || !isCarriedInRequest(scheme)) return;
    if (scheme.in === "query") {
      // The key replaces a same-named query parameter the sample filled in: sent once (issue 19).
      for (let i = query.length - 1; i >= 0; i--) if (query[i]![0] === scheme.name) query.splice(i, 1);
      query.push([scheme.name, value]);
    } else if (scheme.in === "cookie")
      headers.cookie = [headers.cookie, `${scheme.name}=${value}`].filter(Boolean).join("; ");
    else {
      for (const name of Object.keys(headers))
        if (name.toLowerCase() === scheme.name.toLowerCase()) delete headers[name];
      headers[scheme.name.toLowerCase()] = value;
    }
    return;
  }
  if (scheme.type === "http" && scheme.scheme?.toLowerCase() === "basic") {
    headers.authorization = `Basic ${Buffer.from(value).toString("base64")}`;
    return;
  }
  headers.authorization = `Bearer ${value}`;
}

/**
 * Applies credentials for the first security requirement of the operation they satisfy (every
 * scheme of it has a credential). An operation without requirements gets none.
 */
export function applyCredentials(
  doc: OpenApiDocument,
  operation: OperationDescriptor | undefined,
  credentials: Readonly<Record<string, string>>,
  headers: Record<string, string>,
  query: [string, string][],
): void {
  if (!operation || operation.security.length === 0) return;
  const schemes = securitySchemes(doc);
  const requirement = operation.security.find((req) =>
    Object.keys(req).every((name) => credentials[name] !== undefined || schemes[name]?.type === "mutualTLS"),
  );
  if (!requirement) return;
  for (const name of Object.keys(requirement)) {
    const scheme = schemes[name];
    const value = credentials[name];
    if (scheme && value !== undefined) placeCredential(scheme, value, headers, query);
  }
}

/**
 * Where a scheme's credential goes in a request: `header:authorization` for HTTP, OAuth2 and
 * OpenID Connect, `query:api_key` or `header:x-api-key` for an API key. Schemes with one place
 * share what a request can carry there.
 */
export function credentialPlace(scheme: Scheme | undefined): string | undefined {
  if (scheme?.type === "apiKey") {
    if (!scheme.name || !isCarriedInRequest(scheme)) return undefined;
    const where = scheme.in ?? "header";
    return `${where}:${where === "header" ? scheme.name.toLowerCase() : scheme.name}`;
  }
  return ["http", "oauth2", "openIdConnect"].includes(scheme?.type ?? "")
    ? "header:authorization"
    : undefined;
}

/**
 * A credential a mock accepts for a scheme, and what a client sends for it (basic:
 * `user:password`). API keys that go to the same place share one value: FEC ANDs `apiKey` and
 * `ApiKeyQueryAuth`, both `api_key` in the query, and a request can carry only one (issue 19).
 */
export function mockCredential(name: string, scheme: Scheme | undefined): string {
  if (scheme?.type === "http" && scheme.scheme?.toLowerCase() === "basic")
    return `mock-user:mock-${name}-password`;
  const place = credentialPlace(scheme);
  if (scheme?.type === "apiKey" && place) return `mock-${place.replace(":", "-")}-credential`;
  return `mock-${name}-credential`;
}
