import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { OUT_DIR } from "./specs";

const run = promisify(execFile);
const TSC = join(OUT_DIR, "../../../node_modules/typescript/bin/tsc");

/**
 * Runs `tsc --strict --noEmit` once over every `.ts` file under the given folders of `baseDir`
 * (one program: the libs are parsed once) and returns the error lines per folder. The codegen
 * tests and the corpus sweep (scripts/corpus-sweep.ts) both check generated SDKs with it.
 */
export async function strictTypecheck(
  baseDir: string,
  folders: readonly string[],
  configName = "tsconfig.check.json",
): Promise<Map<string, string[]>> {
  const config = join(baseDir, configName);
  writeFileSync(
    config,
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "ESNext",
        moduleResolution: "Bundler",
        lib: ["ES2022", "DOM", "DOM.Iterable"],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: [],
      },
      include: folders.map((folder) => `${folder}/**/*.ts`),
    }),
  );
  let output = "";
  try {
    await run(process.execPath, [TSC, "-p", config], { cwd: baseDir, maxBuffer: 256 * 1024 * 1024 });
  } catch (error) {
    output = String((error as { stdout?: string }).stdout ?? error);
  }
  const errors = new Map<string, string[]>(folders.map((folder) => [folder, []]));
  for (const line of output.split("\n")) {
    if (!line.includes("error TS")) continue;
    const folder = folders.find((f) => line.startsWith(`${f}/`)) ?? "(other)";
    errors.set(folder, [...(errors.get(folder) ?? []), line]);
  }
  return errors;
}

/** {@link strictTypecheck} over folders of OUT_DIR. */
export function typecheck(folders: readonly string[]): Promise<Map<string, string[]>> {
  return strictTypecheck(OUT_DIR, folders);
}
