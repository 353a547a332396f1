import { relative } from "node:path";
import { strictTypecheck } from "../../src/_test/tsc";

/**
 * One strict tsc program over several SDK folders (absolute paths under `scratch`): the error
 * lines per folder. One program per batch, not per document: tsc's start-up dominates.
 */
export async function typecheckBatch(
  scratch: string,
  folders: readonly string[],
  name: string,
): Promise<Map<string, string[]>> {
  const relativeFolders = folders.map((folder) => relative(scratch, folder));
  const errors = await strictTypecheck(scratch, relativeFolders, `tsconfig.${name}.json`);
  return new Map(folders.map((folder, i) => [folder, errors.get(relativeFolders[i]!) ?? []]));
}
