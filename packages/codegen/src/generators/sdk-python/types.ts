/** Options of the `sdk-python` generator. */
export interface SdkPythonOptions {
  /**
   * Name of the Python package folder.
   * @default "api_client"
   * @example
   * ```ts
   * generate({ input, targets: ["sdk-python"], options: { "sdk-python": { packageName: "stripe_client" } } });
   * ```
   */
  packageName?: string;
}
