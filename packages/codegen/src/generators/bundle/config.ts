import type { BundleOptions } from "./types";

/** Defaults of the `bundle` generator. */
export const bundleDefaults = { fileName: "bundle.zip" } as const satisfies Required<BundleOptions>;

/** Every entry's timestamp: fixed, so the same input gives a byte-identical zip. */
export const BUNDLE_MTIME = new Date("2000-01-01T00:00:00Z");
