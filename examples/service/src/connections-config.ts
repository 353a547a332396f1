import { type ConnectionsOptions, ValidationError } from "@synapseops/core";
import { OAUTH_CALLBACK_PATH } from "./routes/connections";

/**
 * The `connections` options from the environment: `SYNAPSEOPS_OAUTH_PROVIDERS` (a JSON object of
 * providers by name, as `connections.providers` takes them) and `SYNAPSEOPS_PUBLIC_URL` (the origin
 * browsers reach the service at: the redirect URI is its `/oauth/callback`). Credentials are
 * encrypted under `SYNAPSEOPS_PAYLOAD_KEYS` (the runtime's default key provider).
 * Without providers, connections need no configuration (none can be made by OAuth).
 */
export function connectionsFromEnv(env: NodeJS.ProcessEnv): ConnectionsOptions | undefined {
  const json = env.SYNAPSEOPS_OAUTH_PROVIDERS;
  if (json === undefined || json === "") return undefined;
  let providers: unknown;
  try {
    providers = JSON.parse(json);
  } catch (error) {
    throw new ValidationError("SYNAPSEOPS_OAUTH_PROVIDERS is not JSON", { path: "/", cause: error });
  }
  if (typeof providers !== "object" || providers === null || Array.isArray(providers))
    throw new ValidationError("SYNAPSEOPS_OAUTH_PROVIDERS must be an object of providers by name", {
      path: "/",
    });
  const publicUrl = env.SYNAPSEOPS_PUBLIC_URL;
  if (publicUrl === undefined || publicUrl === "")
    throw new ValidationError(
      "SYNAPSEOPS_OAUTH_PROVIDERS needs SYNAPSEOPS_PUBLIC_URL (the redirect URI's base)",
    );
  return {
    providers: providers as NonNullable<ConnectionsOptions["providers"]>,
    redirectUri: new URL(OAUTH_CALLBACK_PATH, publicUrl).href,
  };
}
