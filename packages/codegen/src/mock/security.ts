import type { OpenApiDocument, OperationDescriptor } from "@synapseops/core";

/**
 * Whether a request carries credentials for at least one of the operation's security
 * requirements (presence only: the mock accepts any value). No requirement: always true.
 */
export function hasCredentials(
  doc: OpenApiDocument,
  operation: OperationDescriptor,
  headers: Headers,
  query: URLSearchParams,
): boolean {
  if (operation.security.length === 0) return true;
  const schemes = (doc.components?.securitySchemes ?? {}) as Record<
    string,
    { type?: string; in?: string; name?: string; scheme?: string }
  >;
  return operation.security.some((requirement) =>
    Object.keys(requirement).every((name) => {
      const scheme = schemes[name];
      if (!scheme) return true;
      if (scheme.type === "apiKey") {
        if (scheme.in === "query") return query.has(scheme.name ?? "");
        if (scheme.in === "cookie") return (headers.get("cookie") ?? "").includes(`${scheme.name}=`);
        return headers.has(scheme.name ?? "");
      }
      if (scheme.type === "mutualTLS") return true;
      const auth = headers.get("authorization") ?? "";
      if (scheme.type === "http" && scheme.scheme?.toLowerCase() === "basic") return /^basic /i.test(auth);
      return /^\S+ \S/.test(auth);
    }),
  );
}
