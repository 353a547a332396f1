import { rmSync } from "node:fs";
import { defineConfig } from "tsup";

/** Options of {@link packageBuild}. */
export interface PackageBuildOptions {
  /**
   * ESM-only dependencies that the CJS output must carry inside it, because `require()` of an
   * ESM-only package fails on Node before 20.19 (e.g. `p-retry` and its `is-network-error`).
   * The ESM output keeps importing them.
   */
  bundleForCjs?: string[];
  /**
   * Entries built as ESM only, for entries that cannot be `require()`d at all (codegen's CLI
   * uses top-level await). Their `exports` entry has no `require`.
   */
  esmOnly?: string[];
  /**
   * Modules the CJS output takes in place of others, e.g. `vitest` (which refuses `require()`)
   * by a module that reads the runner's globals: keys are import specifiers, values paths.
   */
  cjsAlias?: Record<string, string>;
}

/**
 * One build shape for every package: ESM + CJS + `.d.ts`/`.d.cts`, one entry per public
 * subpath, in one tsup config so the declarations are compiled once for both formats.
 * Sibling `@synapseops/*` packages are always external: each is its own published package.
 */
export function packageBuild(
  entry: Record<string, string>,
  { bundleForCjs = [], esmOnly = [], cjsAlias = {} }: PackageBuildOptions = {},
): ReturnType<typeof defineConfig> {
  // Clean here rather than with tsup's `clean`, which would also run again in watch mode
  // rebuilds and, with more than one config, delete what a parallel config had written.
  rmSync("dist", { recursive: true, force: true });
  return defineConfig({
    entry,
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    target: "node20",
    platform: "node",
    // One copy of every module across a package's entries (issue 16): without shared chunks
    // `dist/postgres.js` carried its own error classes, so `instanceof` failed across entries.
    splitting: true,
    // Class names are error brands across package copies (core/src/_error-brand.ts).
    keepNames: true,
    treeshake: true,
    external: [/^@synapseops\//],
    // Aliased modules must not be external, or the CJS output would still require() them.
    noExternal: [...bundleForCjs, ...Object.keys(cjsAlias)],
    esbuildOptions(options, { format }) {
      if (format === "esm") {
        // `noExternal` applies to both formats; ESM consumers import these themselves.
        options.external = [...(options.external ?? []), ...bundleForCjs, ...Object.keys(cjsAlias)];
      } else if (format === "cjs") {
        options.alias = { ...options.alias, ...cjsAlias };
        if (esmOnly.length > 0) {
          const entryPoints = options.entryPoints as Record<string, string>;
          options.entryPoints = Object.fromEntries(
            Object.entries(entryPoints).filter(([name]) => !esmOnly.includes(name)),
          );
        }
      }
    },
  });
}
