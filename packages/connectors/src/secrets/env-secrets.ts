import type { SecretProvider } from "@synapseops/core";

/** Options of {@link envSecrets}. */
export interface EnvSecretsOptions {
  /**
   * Where values come from.
   * @default process.env
   */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Prefixed to every key (`SYNAPSEOPS_`), so refs name `CRM_KEY` and the variable is `SYNAPSEOPS_CRM_KEY`.
   * @default ""
   */
  prefix?: string;
}

/**
 * Secrets from environment variables. Per environment, `KEY__<ENVIRONMENT>` wins over `KEY`
 * (`CRM_KEY__SANDBOX` for environment `sandbox`), so one ref serves every environment.
 *
 * @example
 * ```ts
 * const runtime = createRuntime({ secrets: envSecrets({ prefix: "SYNAPSEOPS_" }) });
 * ```
 */
export function envSecrets(options: EnvSecretsOptions = {}): SecretProvider {
  const prefix = options.prefix ?? "";
  return {
    name: "env",
    async get(key, context) {
      const env = options.env ?? process.env;
      const variable = `${prefix}${key}`;
      if (context?.environment !== undefined) {
        const scoped = env[`${variable}__${environmentSuffix(context.environment)}`];
        if (scoped !== undefined && scoped !== "") return scoped;
      }
      const value = env[variable];
      return value === "" ? undefined : value;
    },
  };
}

/** `sandbox-eu` → `SANDBOX_EU`: environment variable names cannot hold `-`. */
function environmentSuffix(environment: string): string {
  return environment.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}
