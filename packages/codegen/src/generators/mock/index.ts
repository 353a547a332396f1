export { mockDefaults } from "./config";
export { mockGenerator } from "./generator";
export type { MockGeneratorOptions } from "./types";
