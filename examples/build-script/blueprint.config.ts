/**
 * The artifacts of the shop → ERP blueprint: the OpenAPI document of the service that runs it,
 * a TypeScript SDK of that service and its contract tests.
 */
import { defineConfig } from "@synapseops/codegen";

export default defineConfig({
  input: "blueprints/shop-to-erp.json",
  targets: ["openapi", "sdk-ts", "tests"],
  outDir: "generated/shop-to-erp",
  options: { openapi: { title: "Shop to ERP integration", version: "1.0.0" } },
});
