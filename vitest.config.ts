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

const shared = { testTimeout: 30_000, hookTimeout: 30_000, pool: "forks" } as const;

/**
 * Tests the built packages as hosts install them (issue 16): the executor's behavioural tests,
 * the durable-fault tests and the store contract, with `@synapseops/*` resolved to `dist/`
 * (no source condition). `npm test` builds what is stale first (scripts/ensure-built.mjs) and
 * runs this project; a plain `npx vitest` runs it only with SYNAPSEOPS_TEST_BUILT=1, so
 * iterating on sources never tests a stale dist/.
 */
const BUILT = ["packages/core/test/**/*.test.ts"];
const withBuilt = process.env.npm_lifecycle_event === "test" || process.env.SYNAPSEOPS_TEST_BUILT === "1";

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [sqlAsText()],
        resolve: { conditions: ["@synapseops/source"] },
        ssr: { resolve: { conditions: ["@synapseops/source"] } },
        test: {
          ...shared,
          name: "source",
          include: [
            "packages/*/src/**/*.test.ts",
            "packages/*/test/**/*.test.ts",
            "examples/*/test/**/*.test.ts",
          ],
          exclude: ["**/node_modules/**", "packages/*/test/built/**"],
        },
      },
      ...(withBuilt ? [{ test: { ...shared, name: "built", include: BUILT } }] : []),
    ],
  },
});
