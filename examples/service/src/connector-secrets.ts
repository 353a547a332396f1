import { type ConnectorRef, isCredentialName, redactionMarker } from "@synapseops/core";

/**
 * Connector config values under a credential-looking key (`password`, `apiKey`, `clientSecret`…,
 * the library's own rule) are write-only: answers carry this marker in their place, and a write
 * that sends the marker back keeps the stored value — so a console form can be saved unchanged.
 */
export const HIDDEN_SECRET = redactionMarker("secret");

type Config = Record<string, unknown>;

const isObject = (value: unknown): value is Config =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function hide(config: Config): Config {
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => [
      key,
      isCredentialName(key) && value !== undefined && value !== null
        ? HIDDEN_SECRET
        : isObject(value)
          ? hide(value)
          : value,
    ]),
  );
}

/** The connector ref as answers show it: credential-looking config values replaced by the marker. */
export function withHiddenSecrets(ref: ConnectorRef): ConnectorRef {
  return { ...ref, config: hide(ref.config) };
}

/**
 * The config to store for a write: a marker sent back stands for the stored value (left out when
 * nothing was stored, so the connector's schema says it is missing rather than storing the marker).
 */
export function restoreHiddenSecrets(sent: Config, stored: Config | undefined): Config {
  const entries: [string, unknown][] = [];
  for (const [key, value] of Object.entries(sent)) {
    const before = stored?.[key];
    if (value === HIDDEN_SECRET && isCredentialName(key)) {
      if (before !== undefined) entries.push([key, before]);
    } else
      entries.push([
        key,
        isObject(value) ? restoreHiddenSecrets(value, isObject(before) ? before : undefined) : value,
      ]);
  }
  return Object.fromEntries(entries);
}
