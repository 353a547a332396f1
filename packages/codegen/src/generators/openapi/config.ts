import type { OpenApiGeneratorOptions } from "./types";

/** Defaults of the `openapi` generator. */
export const openApiDefaults = { format: "json" } as const satisfies OpenApiGeneratorOptions;
