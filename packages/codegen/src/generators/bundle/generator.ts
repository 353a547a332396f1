import { createHash } from "node:crypto";
import { strToU8, type Zippable, zipSync } from "fflate";
import type { GeneratedFile, Generator } from "../../types";
import { CODEGEN_VERSION } from "../../version";
import { BUNDLE_MTIME, bundleDefaults } from "./config";
import type { BundleManifest, BundleOptions } from "./types";

/**
 * A zip of files plus `manifest.json` (sha256 per file, generator version, input hash). Entries
 * are sorted and stamped with a fixed time, so the bytes depend on the files only.
 */
export function bundleFiles(files: readonly GeneratedFile[], inputHash: string): Uint8Array {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const manifest: BundleManifest = {
    generator: "@synapseops/codegen",
    version: CODEGEN_VERSION,
    inputHash,
    files: [],
  };
  const zippable: Zippable = {};
  for (const file of sorted) {
    const bytes = typeof file.contents === "string" ? strToU8(file.contents) : file.contents;
    manifest.files.push({
      path: file.path,
      bytes: bytes.byteLength,
      sha256: createHash("sha256").update(bytes).digest("hex"),
    });
    zippable[file.path] = [bytes, { mtime: BUNDLE_MTIME, level: 6 }];
  }
  const withManifest: Zippable = {
    "manifest.json": [strToU8(`${JSON.stringify(manifest, null, 2)}\n`), { mtime: BUNDLE_MTIME, level: 6 }],
    ...zippable,
  };
  return zipSync(withManifest, { mtime: BUNDLE_MTIME });
}

/** The `bundle` generator: runs after every other selected generator and zips their files. */
export const bundleGenerator: Generator<BundleOptions, "bundle"> = {
  name: "bundle",
  description:
    "a reproducible zip of the other outputs with manifest.json (sha256 per file, version, input hash)",
  after: ["*"],
  outDir: "bundle",
  generate(context, options) {
    const files = [...context.outputs.values()].flat();
    return [
      { path: options.fileName ?? bundleDefaults.fileName, contents: bundleFiles(files, context.inputHash) },
    ];
  },
};
