import { z } from "zod";
import { ValidationError } from "../errors";

/**
 * An OAuth 2.0 provider the runtime can connect customers to: its endpoints, the host's client
 * registration and the provider's quirks. Every quirk is configuration; the protocol itself is
 * `oauth4webapi`'s. See docs/connections-and-oauth.md for the settings real providers need.
 */
export const OAuthProviderConfig = z.object({
  /**
   * The issuer identifier. Checked against the `iss` parameter of the callback when the
   * provider sends one (RFC 9207). @default the origin of `authorizationEndpoint`
   */
  issuer: z.url().optional(),
  authorizationEndpoint: z.url(),
  tokenEndpoint: z.url(),
  /** RFC 7009 revocation endpoint; `connections.revoke` calls it when set. */
  revocationEndpoint: z.url().optional(),
  clientId: z.string().min(1),
  /** The client secret (registered for redaction); absent for public clients (`none`). */
  clientSecret: z.string().min(1).optional(),
  /**
   * How the client authenticates at the token endpoint (RFC 6749 §2.3.1).
   * @default "client_secret_basic"
   */
  tokenEndpointAuthMethod: z
    .enum(["client_secret_basic", "client_secret_post", "none"])
    .default("client_secret_basic"),
  /** Scopes asked for when a connect call names none. @default [] */
  scopes: z.array(z.string().min(1)).default([]),
  /** How scopes are joined in the authorization request (Slack and Facebook use a comma). @default " " */
  scopeSeparator: z.string().min(1).default(" "),
  /**
   * Extra parameters of the authorization request (`access_type=offline` and `prompt=consent`
   * for Google refresh tokens, `audience` for Auth0…).
   * @default {}
   */
  authorizationParams: z.record(z.string(), z.string()).default({}),
  /** Extra parameters of every token request (`resource`, `audience`…). @default {} */
  tokenParams: z.record(z.string(), z.string()).default({}),
  /**
   * String fields of the code grant's token response copied into the connection's `metadata`
   * (Salesforce's `instance_url`, the API host of the customer's org).
   * @default []
   */
  tokenResponseMetadata: z.array(z.string().min(1)).default([]),
  /** Use PKCE (RFC 7636, S256). Only turn it off for a provider that rejects it. @default true */
  pkce: z.boolean().default(true),
  /**
   * Whether a refresh returns a new refresh token that replaces the old one (`rotating`:
   * Salesforce optional, Microsoft, oidc-provider) or keeps the old one (`non-rotating`: Google,
   * HubSpot). `auto` keeps the old one only when the response has none.
   * @default "auto"
   */
  refreshTokenRotation: z.enum(["auto", "rotating", "non-rotating"]).default("auto"),
  /** Refresh this long before the access token expires. @default 60_000 */
  refreshBeforeMs: z.int().min(0).default(60_000),
  /** The redirect URI registered at the provider; a connect call may name another registered one. */
  redirectUri: z.url().optional(),
  /**
   * Allow `http:` endpoints. Only for a provider started on localhost in tests.
   * @default false
   */
  allowInsecureHttp: z.boolean().default(false),
});
/** An OAuth 2.0 provider, as the host configures it. */
export type OAuthProviderConfigInput = z.input<typeof OAuthProviderConfig>;
/** An OAuth 2.0 provider, with defaults applied. */
export type OAuthProviderConfig = z.output<typeof OAuthProviderConfig>;

/**
 * Validates the host's providers by name.
 * @throws ValidationError (`INVALID_INPUT`, path `/connections/providers/<name>/<field>`).
 */
export function parseOAuthProviders(
  providers: Record<string, OAuthProviderConfigInput>,
): Map<string, OAuthProviderConfig> {
  const parsed = new Map<string, OAuthProviderConfig>();
  for (const [name, input] of Object.entries(providers)) {
    const result = OAuthProviderConfig.safeParse(input);
    if (!result.success) {
      const issue = result.error.issues[0];
      const field = issue?.path.join("/") ?? "";
      throw new ValidationError(`OAuth provider "${name}": ${field || "config"}: ${issue?.message}`, {
        path: `/connections/providers/${name}/${field}`,
      });
    }
    if (result.data.tokenEndpointAuthMethod !== "none" && result.data.clientSecret === undefined) {
      throw new ValidationError(
        `OAuth provider "${name}": clientSecret is required with tokenEndpointAuthMethod "${result.data.tokenEndpointAuthMethod}"`,
        { path: `/connections/providers/${name}/clientSecret` },
      );
    }
    parsed.set(name, result.data);
  }
  return parsed;
}
