export { sdkPythonDefaults } from "./config";
export { generateSdkPython, sdkPythonGenerator } from "./generator";
export type { SdkPythonOptions } from "./types";
