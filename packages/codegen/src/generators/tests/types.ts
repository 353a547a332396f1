/** Options of the `tests` generator. */
export interface TestsOptions {
  /**
   * Environment variable the suite reads its base URL from (falls back to the document's server).
   * @default "CONTRACT_BASE_URL"
   * @example
   * ```ts
   * generate({ input, targets: ["tests"], options: { tests: { baseUrlEnv: "STRIPE_MOCK_URL" } } });
   * ```
   */
  baseUrlEnv?: string;
  /** Only these operation ids (all when omitted). */
  operations?: readonly string[];
}
