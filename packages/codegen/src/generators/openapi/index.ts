export type { BlueprintOpenApiOptions } from "./_from-blueprints";
export { blueprintsToOpenApi } from "./_from-blueprints";
export { openApiDefaults } from "./config";
export { openApiGenerator } from "./generator";
export type { OpenApiGeneratorOptions } from "./types";
