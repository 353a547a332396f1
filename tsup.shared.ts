import { rmSync } from "node:fs";
import { defineConfig, type Options } from "tsup";

/** Options of {@link packageBuild}. */
export interface PackageBuildOptions {
  /**
   * ESM-only dependencies that the CJS output must carry inside it, because `require()` of an
   * ESM-only package fails on Node before 20.19 (e.g. `p-retry` and its `is-network-error`).
   */
  bundleForCjs?: string[];
  /**
   * Entries built as ESM only, for subpaths whose host cannot be `require()`d at all
   * (`testing` needs vitest, which refuses CJS). Their `exports` entry has no `require`.
   */
  esmOnly?: string[];
}

/**
 * One build shape for every package: ESM + CJS + `.d.ts`, one entry per public subpath.
 * Sibling `@synapseops/*` packages are always external: each is its own published package.
 */
export function packageBuild(
  entry: Record<string, string>,
  { bundleForCjs = [], esmOnly = [] }: PackageBuildOptions = {},
): ReturnType<typeof defineConfig> {
  const common: Options = {
    sourcemap: true,
    target: "node20",
    platform: "node",
    splitting: false,
    treeshake: true,
    external: [/^@synapseops\//],
    loader: { ".sql": "text" },
  };
  // Clean once here, not with tsup's per-config `clean`: the ESM and CJS configs build in
  // parallel, and each one's clean (JS at start, `.d.ts` at its dts start) deletes what the
  // other has already written.
  rmSync("dist", { recursive: true, force: true });
  const cjsEntry = Object.fromEntries(Object.entries(entry).filter(([name]) => !esmOnly.includes(name)));
  return defineConfig([
    { ...common, entry, format: ["esm"], dts: true },
    { ...common, entry: cjsEntry, format: ["cjs"], dts: true, noExternal: bundleForCjs },
  ]);
}
