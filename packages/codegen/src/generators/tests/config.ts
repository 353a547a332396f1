import type { TestsOptions } from "./types";

/** Defaults of the `tests` generator. */
export const testsDefaults = { baseUrlEnv: "CONTRACT_BASE_URL" } as const satisfies TestsOptions;
