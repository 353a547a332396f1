/**
 * One codegen run for the benchmark, in its own process: `codegen-worker.ts <sdk-ts|postman> <spec> <outDir>`.
 * Loads the document and writes the generator's files, as the CLI would.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { generatePostman, generateSdkTs } from "@synapseops/codegen";
import { listOperations, loadOpenApiSync } from "@synapseops/core";

const [target, spec, outDir] = process.argv.slice(2) as [string, string, string];
const document = loadOpenApiSync(spec);
const context = { document, operations: listOperations(document), inputHash: spec };
const files = target === "sdk-ts" ? generateSdkTs(context) : generatePostman(context);
for (const file of files) {
  mkdirSync(dirname(join(outDir, file.path)), { recursive: true });
  writeFileSync(join(outDir, file.path), file.contents);
}
