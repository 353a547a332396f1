import type { OpenApiDocument, OperationDescriptor } from "@synapseops/core";

type Scheme = { type?: string; in?: string; name?: string; scheme?: string };

/** The security schemes a document declares, by name. */
export function securitySchemes(doc: OpenApiDocument): Record<string, Scheme> {
  return (doc.components?.securitySchemes ?? {}) as Record<string, Scheme>;
}

/**
 * Whether a request can carry (or leave out) a credential of the scheme: not for mutual TLS
 * (the connection carries it) nor an API key without a name (issue 19).
 */
export function isCarriedInRequest(scheme: Scheme | undefined): boolean {
  return scheme?.type !== "mutualTLS" && !(scheme?.type === "apiKey" && !scheme.name);
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
    if (!scheme.name) return;
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

/** A credential a mock accepts for a scheme, and what a client sends for it (basic: `user:password`). */
export function mockCredential(name: string, scheme: Scheme | undefined): string {
  if (scheme?.type === "http" && scheme.scheme?.toLowerCase() === "basic")
    return `mock-user:mock-${name}-password`;
  return `mock-${name}-credential`;
}
