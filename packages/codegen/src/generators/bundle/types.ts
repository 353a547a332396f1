/** Options of the `bundle` generator. */
export interface BundleOptions {
  /**
   * File name of the zip inside the `bundle/` folder.
   * @default "bundle.zip"
   * @example
   * ```ts
   * generate({ input, targets: ["sdk-ts", "bundle"], options: { bundle: { fileName: "shop-sdk.zip" } } });
   * ```
   */
  fileName?: string;
}

/** `manifest.json` inside the bundle. */
export interface BundleManifest {
  generator: "@synapseops/codegen";
  version: string;
  /** sha256 (hex) of the input. */
  inputHash: string;
  files: { path: string; bytes: number; sha256: string }[];
}
