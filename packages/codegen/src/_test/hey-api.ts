import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { OUT_DIR, type SpecName, specPath } from "./specs";

const run = promisify(execFile);

/**
 * hey-api 0.95's SDK for a document, generated once into OUT_DIR/anchors (reused while present:
 * it takes tens of seconds on Stripe). Returns the folder relative to OUT_DIR.
 */
export async function heyApiOutput(spec: SpecName, name: string): Promise<string> {
  const folder = `anchors/hey-api-${name}`;
  const dir = join(OUT_DIR, folder);
  if (!existsSync(join(dir, "sdk.gen.ts"))) {
    const bin = join(OUT_DIR, "../../../node_modules/@hey-api/openapi-ts/bin/run.js");
    await run(process.execPath, [bin, "-i", specPath(spec), "-o", dir], {
      maxBuffer: 64 * 1024 * 1024,
    });
  }
  return folder;
}
