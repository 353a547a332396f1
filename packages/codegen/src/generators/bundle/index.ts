export { BUNDLE_MTIME, bundleDefaults } from "./config";
export { bundleFiles, bundleGenerator } from "./generator";
export type { BundleManifest, BundleOptions } from "./types";
