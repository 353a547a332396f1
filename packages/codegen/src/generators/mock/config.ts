import type { MockGeneratorOptions } from "./types";

/** Defaults of the `mock` generator. */
export const mockDefaults = { port: 4010 } as const satisfies MockGeneratorOptions;
