import { join, relative } from "node:path";
import { strictTypecheck } from "../../src/_test/tsc";
import type { CheckResult } from "./types";

/**
 * One strict tsc program over several SDK folders (absolute paths under `scratch`): each folder's
 * result. One program per batch, not per document: tsc's start-up dominates.
 */
export async function typecheckBatch(
  scratch: string,
  folders: readonly string[],
  name: string,
): Promise<Map<string, CheckResult>> {
  const relativeFolders = folders.map((folder) => relative(scratch, folder));
  const errors = await strictTypecheck(scratch, relativeFolders, `tsconfig.${name}.json`);
  return new Map(
    folders.map((folder, i): [string, CheckResult] => {
      const lines = errors.get(relativeFolders[i]!) ?? [];
      return [
        folder,
        lines.length === 0
          ? { status: "pass" }
          : {
              status: "fail",
              error: `${lines.length} errors; first: ${relative(folder, join(scratch, lines[0]!))}`,
            },
      ];
    }),
  );
}
