import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { OUT_DIR } from "./specs";

const run = promisify(execFile);
const TSC = join(OUT_DIR, "../../../node_modules/typescript/bin/tsc");

/**
 * Runs `tsc --strict --noEmit` once over every `.ts` file under the given folders of OUT_DIR
 * (one program: the libs are parsed once) and returns the error lines per folder.
 */
export async function typecheck(folders: readonly string[]): Promise<Map<string, string[]>> {
  const config = join(OUT_DIR, "tsconfig.check.json");
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
    await run(process.execPath, [TSC, "-p", config], { cwd: OUT_DIR, maxBuffer: 64 * 1024 * 1024 });
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
