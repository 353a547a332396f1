export { sdkPythonDefaults } from "./config";
export { generateSdkPython, PYTHON_REQUIRES, pythonPackageName, sdkPythonGenerator } from "./generator";
export type { SdkPythonOptions } from "./types";
