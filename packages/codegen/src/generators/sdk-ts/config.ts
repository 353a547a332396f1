import type { SdkTsOptions } from "./types";

/** Defaults of the `sdk-ts` generator. */
export const sdkTsDefaults: Required<SdkTsOptions> = { clientFactoryName: "createClient", docs: true };

/** Options with defaults applied. */
export function resolveSdkTsOptions(options: SdkTsOptions = {}): Required<SdkTsOptions> {
  return { ...sdkTsDefaults, ...options };
}
