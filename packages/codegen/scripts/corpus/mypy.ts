import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { firstLine } from "./_util";

const exec = promisify(execFile);

/** How to run `mypy`, if installed (Debian: python3-mypy, run as `/usr/bin/python3 -m mypy`). */
export async function findMypy(): Promise<string[] | undefined> {
  for (const candidate of [["mypy"], ["python3", "-m", "mypy"], ["/usr/bin/python3", "-m", "mypy"]]) {
    try {
      const { stdout } = await exec(candidate[0]!, [...candidate.slice(1), "--version"]);
      if (stdout.includes("mypy")) return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/**
 * `mypy --strict` over the Python packages of a generated SDK folder; throws with the error count
 * and the first error. The cache is shared by the sweep's documents (the stdlib is checked once).
 */
export async function strictMypy(mypy: readonly string[], root: string, cacheDir: string): Promise<void> {
  const packages = readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && readdirSync(join(root, e.name)).includes("__init__.py"))
    .map((e) => e.name);
  try {
    await exec(
      mypy[0]!,
      [...mypy.slice(1), "--strict", "--no-error-summary", "--cache-dir", cacheDir, ...packages],
      { cwd: root, maxBuffer: 64 * 1024 * 1024, timeout: 600_000 },
    );
  } catch (error) {
    const out = String((error as { stdout?: string }).stdout ?? "");
    const errors = out.split("\n").filter((line) => line.includes(": error:"));
    throw new Error(`${errors.length} errors; first: ${errors[0] ?? firstLine(error)}`);
  }
}
