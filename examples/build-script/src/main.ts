/**
 * What a build script does with `@synapseops/codegen`, in a temp folder so the committed
 * `generated/` is left alone: generate every artifact set, check it (up to date), hand-edit one
 * generated file, check again (stale, and the file is named), regenerate (up to date again).
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { StaleOutputError } from "@synapseops/codegen";
import { buildArtifacts } from "./artifacts";

const print = (title: string, lines: string[]): void => {
  process.stdout.write(`\n== ${title}\n${lines.join("\n")}\n`);
};

const outRoot = await mkdtemp(join(tmpdir(), "synapseops-build-script-"));
try {
  // 1. Generate: one report per input, one line per generator.
  const built = await buildArtifacts({ outRoot });
  print(
    "generate",
    built.flatMap(({ set, outDir, report }) => [
      `${set.name} → ${relative(outRoot, outDir)}  (${report.input.kind}: "${report.input.title}" ${report.input.version}, ${report.input.operations} operations)`,
      ...report.targets.map((t) => `  ${t.target.padEnd(8)} ${t.files} file(s) ${t.bytes} bytes`),
    ]),
  );

  // 2. Check right after: nothing is stale.
  const checked = await buildArtifacts({ outRoot, check: true });
  print(
    "check",
    checked.map(({ set, report }) => `${set.name}: up to date (${report.stale.length} stale)`),
  );

  // 3. Someone edits a generated file by hand: the check names it.
  const edited = join(outRoot, "generated/orders-api/sdk-ts/operations.ts");
  await writeFile(edited, `${await readFile(edited, "utf8")}\n// a hand edit\n`);
  try {
    await buildArtifacts({ outRoot, check: true });
    print("check after a hand edit", ["up to date (unexpected)"]);
  } catch (error) {
    if (!(error instanceof StaleOutputError)) throw error;
    print("check after a hand edit", [
      `${error.code}: ${error.message}`,
      ...error.stale.map((p) => `  stale: ${p}`),
    ]);
  }

  // 4. Regenerating repairs it.
  await buildArtifacts({ outRoot });
  await buildArtifacts({ outRoot, check: true });
  print("regenerate, check", ["up to date"]);
} finally {
  await rm(outRoot, { recursive: true, force: true });
}
