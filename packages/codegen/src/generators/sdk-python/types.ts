/** Options of the `sdk-python` generator. */
export interface SdkPythonOptions {
  /**
   * Name of the Python package folder (and, kebab-cased, of the `pyproject.toml` project).
   * @default derived from the document title: `Swagger Petstore` → `swagger_petstore_client`
   * @example
   * ```ts
   * generate({ input, targets: ["sdk-python"], options: { "sdk-python": { packageName: "stripe_client" } } });
   * ```
   */
  packageName?: string;
}
