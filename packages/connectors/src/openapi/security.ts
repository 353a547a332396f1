import { type OpenApiDocument, type OpenApiSecurityRequirement, resolveRef } from "@synapseops/core";
import type { HttpAuth } from "../http/config";

/** What the host adds to a security scheme to make it usable: names and non-secret ids. */
export interface SchemeCredentials {
  /** The secret name in the call context; defaults to the scheme's name. */
  secret?: string | undefined;
  /** For `http basic`. */
  username?: string | undefined;
  /** For OAuth2 client credentials. */
  clientId?: string | undefined;
}

/** A scheme as an auth config, or why it cannot be one. */
export type SchemeAuth = { auth: HttpAuth } | { unsupported: string };

interface SecurityScheme {
  type?: string;
  in?: string;
  name?: string;
  scheme?: string;
  flows?: { clientCredentials?: { tokenUrl?: string } };
}

/**
 * Maps an OpenAPI security scheme (3.0/3.1 §4.8.27 Security Scheme Object) to the http
 * connector's auth: apiKey (header, query, cookie) → `apiKey`; http bearer/basic → `bearer`/`basic`;
 * oauth2 with a clientCredentials flow → `oauth2ClientCredentials`. Interactive flows
 * (authorization code, implicit) and openIdConnect need a user and are not mapped.
 */
export function schemeToAuth(
  doc: OpenApiDocument,
  name: string,
  scopes: readonly string[],
  credentials: SchemeCredentials = {},
): SchemeAuth {
  const schemes = (doc.components as { securitySchemes?: Record<string, unknown> } | undefined)
    ?.securitySchemes;
  const scheme = resolveRef<SecurityScheme>(doc, schemes?.[name]);
  if (scheme === undefined)
    return { unsupported: `security scheme "${name}" is not in components.securitySchemes` };
  const secret = credentials.secret ?? name;
  switch (scheme.type) {
    case "apiKey":
      if (scheme.in !== "header" && scheme.in !== "query" && scheme.in !== "cookie") {
        return { unsupported: `apiKey scheme "${name}" has in: ${String(scheme.in)}` };
      }
      return { auth: { type: "apiKey", in: scheme.in, name: scheme.name ?? name, secret } };
    case "http": {
      const kind = scheme.scheme?.toLowerCase();
      if (kind === "bearer") return { auth: { type: "bearer", secret } };
      if (kind === "basic") {
        if (credentials.username === undefined) {
          return { unsupported: `basic scheme "${name}" needs credentials.${name}.username` };
        }
        return { auth: { type: "basic", username: credentials.username, secret } };
      }
      return { unsupported: `http scheme "${name}" uses ${String(scheme.scheme)}` };
    }
    case "oauth2": {
      const tokenUrl = scheme.flows?.clientCredentials?.tokenUrl;
      if (tokenUrl === undefined)
        return { unsupported: `oauth2 scheme "${name}" has no clientCredentials flow` };
      if (credentials.clientId === undefined) {
        return { unsupported: `oauth2 scheme "${name}" needs credentials.${name}.clientId` };
      }
      return {
        auth: {
          type: "oauth2ClientCredentials",
          tokenUrl,
          clientId: credentials.clientId,
          clientSecret: secret,
          clientAuth: "basic",
          refreshBeforeMs: 30_000,
          ...(scopes.length > 0 ? { scope: scopes.join(" ") } : {}),
        },
      };
    }
    default:
      return { unsupported: `security scheme "${name}" has type ${String(scheme.type)}` };
  }
}

/**
 * The auth for an operation: the first alternative of its security requirements (OpenAPI: any
 * one alternative suffices) made of a single scheme we can map. `[]` or `{}` means no auth.
 */
export function authForOperation(
  doc: OpenApiDocument,
  security: readonly OpenApiSecurityRequirement[],
  credentials: Readonly<Record<string, SchemeCredentials>>,
): SchemeAuth {
  if (security.length === 0) return { auth: { type: "none" } };
  const reasons: string[] = [];
  for (const requirement of security) {
    const names = Object.keys(requirement);
    if (names.length === 0) return { auth: { type: "none" } };
    if (names.length > 1) {
      reasons.push(`requirement ${names.join(" + ")} combines schemes`);
      continue;
    }
    const name = names[0] ?? "";
    const mapped = schemeToAuth(doc, name, requirement[name] ?? [], credentials[name]);
    if ("auth" in mapped) return mapped;
    reasons.push(mapped.unsupported);
  }
  return { unsupported: reasons.join("; ") };
}
