/**
 * Writes docs/mapping-functions.md from the function library definitions.
 * Run: npm run function-reference -w @synapseops/mapping
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { libraryFunctions } from "../src/functions/index";
import { renderFunctionReference } from "../src/functions/reference";

const target = fileURLToPath(new URL("../../../docs/mapping-functions.md", import.meta.url));
writeFileSync(target, renderFunctionReference(libraryFunctions));
console.log(`wrote ${target}`);
