import type { SdkPythonOptions } from "./types";

/** Defaults of the `sdk-python` generator. */
export const sdkPythonDefaults = { packageName: "api_client" } as const satisfies Required<SdkPythonOptions>;
