import type { SecretProvider } from "@synapseops/core";

/** A secret store in memory, for tests and examples. */
export interface MemorySecrets extends SecretProvider {
  /** Sets a value, for every environment or only for one. */
  set(key: string, value: string, options?: { environment?: string }): void;
  /** Removes a value (rotation tests). */
  delete(key: string, options?: { environment?: string }): void;
}

/**
 * Secrets held in memory. `values` maps keys to values; `environments` maps an environment name
 * to values that win over them in that environment.
 *
 * @example
 * ```ts
 * const secrets = memorySecrets({ CRM_KEY: "dev-key" }, { production: { CRM_KEY: "live-key" } });
 * ```
 */
export function memorySecrets(
  values: Readonly<Record<string, string>> = {},
  environments: Readonly<Record<string, Readonly<Record<string, string>>>> = {},
): MemorySecrets {
  const global = new Map(Object.entries(values));
  const scoped = new Map(
    Object.entries(environments).map(([name, entries]) => [name, new Map(Object.entries(entries))]),
  );
  const mapFor = (environment: string | undefined): Map<string, string> => {
    if (environment === undefined) return global;
    let map = scoped.get(environment);
    if (map === undefined) {
      map = new Map();
      scoped.set(environment, map);
    }
    return map;
  };
  return {
    name: "memory",
    async get(key, context) {
      const environment = context?.environment;
      return (environment === undefined ? undefined : scoped.get(environment)?.get(key)) ?? global.get(key);
    },
    set(key, value, options) {
      mapFor(options?.environment).set(key, value);
    },
    delete(key, options) {
      mapFor(options?.environment).delete(key);
    },
  };
}
