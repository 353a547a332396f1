import { type ConnectorContext, ErrorCode, ValidationError } from "@synapseops/core";

/** The value of a secret the config names, or a clear error saying how to provide it. */
export function requireSecret(context: ConnectorContext, name: string, connectorType: string): string {
  const value = context.secrets[name];
  if (value === undefined || value === "") {
    throw new ValidationError(
      `${connectorType}: the secret "${name}" is missing from the call context (map "${name}" to a provider key in the connector ref's or environment's secrets)`,
      { code: ErrorCode.CONNECTOR_INVALID, path: `/secrets/${name}` },
    );
  }
  return value;
}
