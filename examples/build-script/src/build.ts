/**
 * The programmatic build script: `npm run build-artifacts` regenerates every artifact set with
 * `generate()`, `npm run build-artifacts -- --check` verifies them (exit 1 and the stale files when not),
 * the same as `npm run generate` / `npm run check` do through the CLI.
 */
import { relative } from "node:path";
import { StaleOutputError } from "@synapseops/codegen";
import { buildArtifacts } from "./artifacts";

const check = process.argv.includes("--check");
try {
  for (const { set, outDir, report } of await buildArtifacts({ check })) {
    const files = report.targets.reduce((n, t) => n + t.files, 0);
    process.stdout.write(
      `${set.name}: ${check ? `${files} file(s) up to date` : `wrote ${report.written} file(s)`} in ${relative(process.cwd(), outDir) || "."} (${report.totalMs} ms)\n`,
    );
  }
} catch (error) {
  if (!(error instanceof StaleOutputError)) throw error;
  process.stderr.write(`${error.message}\n${error.stale.map((path) => `  stale: ${path}\n`).join("")}`);
  process.exitCode = 1;
}
