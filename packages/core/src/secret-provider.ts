/**
 * Where secret values come from. Blueprints and connector refs hold only secret *names*; the
 * runtime resolves them through the host's provider when a connector runs, and registers every
 * value it resolves for redaction, so values never reach logs, events, errors or dead letters.
 */
export interface SecretProvider {
  /** A name for health reports (`env`, `memory`, `vault`…). */
  readonly name: string;
  /**
   * The value of a secret key, or `undefined` when the provider has none.
   * @param key the provider key a connector ref or environment maps a secret name to
   * @param context the environment the value is for, for providers that keep one per environment
   */
  get(key: string, context?: { environment?: string }): Promise<string | undefined>;
}
