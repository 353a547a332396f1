import { stringify } from "yaml";
import type { GeneratedFile, Generator } from "../../types";
import { openApiDefaults } from "./config";
import type { OpenApiGeneratorOptions } from "./types";

/**
 * The `openapi` generator: the document every other generator reads — built from blueprints
 * (OpenAPI 3.1 of the integration service) or the loaded input document, bundled and normalised.
 */
export const openApiGenerator: Generator<OpenApiGeneratorOptions, "openapi"> = {
  name: "openapi",
  description: "the OpenAPI document: built from blueprints (3.1), or the input bundled into one file",
  outDir: "openapi",
  generate(context, options): GeneratedFile[] {
    const format = options.format ?? openApiDefaults.format;
    const contents =
      format === "yaml"
        ? stringify(context.document, { aliasDuplicateObjects: false, lineWidth: 0 })
        : `${JSON.stringify(context.document, null, 2)}\n`;
    return [{ path: `openapi.${format}`, contents }];
  },
};
