import type { SdkPythonOptions } from "./types";

/** Defaults of the `sdk-python` generator: the package name is derived from the document title. */
export const sdkPythonDefaults = {} as const satisfies SdkPythonOptions;
