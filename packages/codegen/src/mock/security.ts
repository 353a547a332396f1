import type { OpenApiDocument, OperationDescriptor } from "@synapseops/core";
import { cookieValue } from "../_http";
import { isCarriedInRequest } from "../readiness/_credentials";

/**
 * Whether a request carries credentials for at least one of the operation's security
 * requirements. Without `accepted`, presence is enough (any value); with it, a scheme listed
 * there accepts only that credential (HTTP basic: `user:password`; bearer/OAuth2: the token; API
 * key: the key). No requirement: always true.
 */
export function hasCredentials(
  doc: OpenApiDocument,
  operation: OperationDescriptor,
  headers: Headers,
  query: URLSearchParams,
  accepted: Readonly<Record<string, string>> = {},
): boolean {
  if (operation.security.length === 0) return true;
  const schemes = (doc.components?.securitySchemes ?? {}) as Record<
    string,
    { type?: string; in?: string; name?: string; scheme?: string }
  >;
  const auth = headers.get("authorization") ?? "";
  const authorizes = (name: string): boolean => {
    const scheme = schemes[name];
    const expected = accepted[name];
    // An API key named Authorization (Azure's registry_oauth2) is the header's whole value.
    if (scheme?.type === "apiKey") return expected === undefined ? auth !== "" : auth === expected;
    if (scheme?.type === "http" && scheme.scheme?.toLowerCase() === "basic")
      return expected === undefined
        ? /^basic /i.test(auth)
        : auth === `Basic ${Buffer.from(expected).toString("base64")}`;
    return expected === undefined ? /^\S+ \S/.test(auth) : auth === `Bearer ${expected}`;
  };
  return operation.security.some((requirement) => {
    // One Authorization header carries one credential: where a requirement ANDs several schemes
    // that live there (Google's `{ Oauth2, Oauth2c }`), any one of them satisfies it (issue 19).
    const names = Object.keys(requirement);
    const inHeader = names.filter((name) => usesAuthorization(schemes[name]));
    const headerHolds = inHeader.length > 1 ? inHeader.some(authorizes) : undefined;
    return names.every((name) => {
      const scheme = schemes[name];
      if (!scheme) return true;
      if (headerHolds !== undefined && usesAuthorization(scheme)) return headerHolds;
      const expected = accepted[name];
      if (scheme.type === "apiKey") {
        // A key scheme without a name, or in a header no request can name (`Headers.get("")`
        // throws): like mutual TLS, nothing a request can show (issue 19).
        if (!scheme.name || !isCarriedInRequest(scheme)) return true;
        const value =
          scheme.in === "query"
            ? query.get(scheme.name)
            : scheme.in === "cookie"
              ? cookieValue(headers.get("cookie"), scheme.name)
              : headers.get(scheme.name);
        return value !== null && value !== undefined && (expected === undefined || value === expected);
      }
      if (scheme.type === "mutualTLS") return true;
      return authorizes(name);
    });
  });
}

/**
 * Whether a scheme's credential goes in the Authorization header: HTTP, OAuth2, OpenID Connect,
 * or an API key in a header named `Authorization`.
 */
function usesAuthorization(scheme: { type?: string; in?: string; name?: string } | undefined): boolean {
  return (
    ["http", "oauth2", "openIdConnect"].includes(scheme?.type ?? "") ||
    (scheme?.type === "apiKey" && scheme.in === "header" && /^authorization$/i.test(scheme.name ?? ""))
  );
}
