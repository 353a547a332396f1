import { defineConfig, type Options } from "tsup";

/**
 * One build shape for every package: ESM + CJS + `.d.ts`, one entry per public subpath.
 * `bundleForCjs` lists ESM-only dependencies that the CJS output must carry inside it,
 * because `require()` of an ESM-only package fails on Node before 20.19.
 */
export function packageBuild(
  entry: Record<string, string>,
  { bundleForCjs = [] as string[] }: { bundleForCjs?: string[] } = {},
): ReturnType<typeof defineConfig> {
  const common: Options = {
    entry,
    sourcemap: true,
    target: "node20",
    platform: "node",
    splitting: false,
    treeshake: true,
    loader: { ".sql": "text" },
  };
  return defineConfig([
    { ...common, format: ["esm"], dts: true, clean: true },
    { ...common, format: ["cjs"], dts: true, noExternal: bundleForCjs },
  ]);
}
