import { readFileSync } from "node:fs";
import { defineConfig, type Plugin } from "vitest/config";

/** Loads `.sql` migration files as strings, as tsup's `text` loader does for the build. */
function sqlAsText(): Plugin {
  return {
    name: "synapseops:sql-as-text",
    load(id) {
      if (!id.endsWith(".sql")) return null;
      return `export default ${JSON.stringify(readFileSync(id, "utf8"))};`;
    },
  };
}

export default defineConfig({
  plugins: [sqlAsText()],
  resolve: { conditions: ["@synapseops/source"] },
  ssr: { resolve: { conditions: ["@synapseops/source"] } },
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts", "examples/*/test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});
