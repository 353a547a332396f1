import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { SynapseOpsConfig } from "../config";
import { CodegenConfigError } from "../errors";

const CONFIG_NAMES = [
  "synapseops.config.ts",
  "synapseops.config.mts",
  "synapseops.config.js",
  "synapseops.config.mjs",
  "synapseops.config.json",
];

/**
 * Loads a config file (the given one, else the first `synapseops.config.*` in `cwd`). `.ts` files
 * need a TypeScript-aware runtime (Node ≥ 22.6 type stripping, or `tsx`); the error says so.
 */
export async function loadConfig(
  cwd: string,
  explicit?: string,
): Promise<{ config: SynapseOpsConfig; file: string } | undefined> {
  const file = explicit
    ? resolve(cwd, explicit)
    : CONFIG_NAMES.map((name) => resolve(cwd, name)).find((path) => existsSync(path));
  if (!file) return undefined;
  if (!existsSync(file)) throw new CodegenConfigError(`config file not found: ${file}`, { path: "/config" });
  if (file.endsWith(".json")) {
    try {
      // A leading UTF-8 byte-order mark is not JSON (issue 19).
      return {
        config: JSON.parse(readFileSync(file, "utf8").replace(/^\uFEFF/, "")) as SynapseOpsConfig,
        file,
      };
    } catch (cause) {
      throw new CodegenConfigError(`config ${file} is not valid JSON: ${(cause as Error).message}`, {
        path: "/config",
        cause,
      });
    }
  }
  try {
    const module = (await import(pathToFileURL(file).href)) as { default?: SynapseOpsConfig };
    if (!module.default)
      throw new CodegenConfigError(
        `config ${file} has no default export (export default defineConfig({ … }))`,
        { path: "/config" },
      );
    return { config: module.default, file };
  } catch (cause) {
    if (cause instanceof CodegenConfigError) throw cause;
    const hint = file.endsWith("ts")
      ? " (a .ts config needs Node ≥ 22.6 or running through tsx: `npx tsx node_modules/.bin/synapseops …`)"
      : "";
    throw new CodegenConfigError(`cannot load config ${file}: ${(cause as Error).message}${hint}`, {
      path: "/config",
      cause,
    });
  }
}
