/**
 * The artifacts of the Orders API's OpenAPI document: `npm run generate` writes them,
 * `npm run check` (CI) fails when the committed ones are stale. The blueprint has its own config,
 * `blueprint.config.ts`: one config file describes one input.
 */
import { defineConfig } from "@synapseops/codegen";

export default defineConfig({
  input: "openapi/orders-api.yaml",
  targets: ["openapi", "sdk-ts", "postman"],
  outDir: "generated/orders-api",
  options: { "sdk-ts": { clientFactoryName: "createOrdersClient" } },
});
