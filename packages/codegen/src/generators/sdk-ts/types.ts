/** Options of the `sdk-ts` generator. */
export interface SdkTsOptions {
  /**
   * Name of the client factory exported from `index.ts`.
   * @default "createClient"
   */
  clientFactoryName?: string;
  /**
   * Emit property descriptions as TSDoc in models.
   * @default true
   * @example
   * ```ts
   * generate({ input, targets: ["sdk-ts"], options: { "sdk-ts": { docs: false } } });
   * ```
   */
  docs?: boolean;
}
