export { resolveSdkTsOptions, sdkTsDefaults } from "./config";
export { generateSdkTs, sdkTsGenerator } from "./generator";
export type { SdkTsOptions } from "./types";
