/** Options of the `postman` generator. */
export interface PostmanOptions {
  /**
   * Only these operation ids (all when omitted) — for sampling very large documents.
   * @example
   * ```ts
   * generate({ input, targets: ["postman"], options: { postman: { operations: ["GetCustomers"] } } });
   * ```
   */
  operations?: readonly string[];
  /**
   * Include a test script per request (status and response shape).
   * @default true
   */
  tests?: boolean;
}
