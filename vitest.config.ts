import { defineConfig } from "vitest/config";

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
/**
 * When the built project runs, core's behavioural tests run there only: dist/ is rebuilt from the
 * current sources first, so running them on the sources too would test the same code twice and
 * cost ~100 s of a suite that must stay under ten minutes on two cores. Without the built
 * project (`npx vitest` while iterating) they run on the sources.
 */
const builtOnly = withBuilt ? BUILT : [];

/** Reads a whole number of at least 1 from the environment. */
function workersFrom(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a whole number of at least 1, got "${process.env[name]}"`);
  }
  return value;
}

/**
 * The suite runs in two groups, one after the other. First the files that only compute — code
 * generation and its compilers, the docs' snippets, the mapping conformance and differential
 * suites: they hold no lease, time no deadline and share no server state, so they run two at a time
 * on the two-core CI box (`SYNAPSEOPS_TEST_CPU_WORKERS`, default 2). Then everything that times
 * something or races real servers — leases, schedules, rate limits, fault injection, the service and
 * its console — one file at a time (`SYNAPSEOPS_TEST_WORKERS`, default 1): two of those at once
 * failed timing-bound checks under the contention (session 8: a per-key rate of 21.2/s against
 * its 21/s bound; docs/testing.md).
 */
const COMPUTE_ONLY = [
  "packages/codegen/src/**/*.test.ts",
  "packages/codegen/test/**/*.test.ts",
  "test/**/*.test.ts",
  "packages/mapping/test/differential/**/*.test.ts",
  "packages/mapping/src/expression-conformance.test.ts",
];
const computeWorkers = workersFrom("SYNAPSEOPS_TEST_CPU_WORKERS", 2);
const timedWorkers = workersFrom("SYNAPSEOPS_TEST_WORKERS", 1);
const sourceCondition = {
  resolve: { conditions: ["@synapseops/source"] },
  ssr: { resolve: { conditions: ["@synapseops/source"] } },
};

export default defineConfig({
  test: {
    projects: [
      {
        ...sourceCondition,
        test: {
          ...shared,
          name: "compute",
          include: COMPUTE_ONLY,
          exclude: ["**/node_modules/**"],
          maxWorkers: computeWorkers,
          sequence: { groupOrder: 0 },
        },
      },
      {
        // issue 18: type-level tests. A `// @ts-expect-error` line in a `*.test-d.ts` file proves
        // a mistake fails to compile (a wrong connector type or config, a misspelt codegen target).
        // Errors elsewhere are `tsc -p tsconfig.json`'s to report.
        test: {
          name: "types",
          include: [],
          maxWorkers: computeWorkers,
          sequence: { groupOrder: 0 },
          typecheck: {
            enabled: true,
            only: true,
            include: ["packages/*/src/**/*.test-d.ts"],
            tsconfig: "./tsconfig.json",
            ignoreSourceErrors: true,
          },
        },
      },
      {
        ...sourceCondition,
        test: {
          ...shared,
          name: "source",
          include: [
            "packages/*/src/**/*.test.ts",
            "packages/*/test/**/*.test.ts",
            "examples/*/test/**/*.test.ts",
            "test/**/*.test.ts",
          ],
          exclude: ["**/node_modules/**", "packages/*/test/built/**", ...COMPUTE_ONLY, ...builtOnly],
          maxWorkers: timedWorkers,
          sequence: { groupOrder: 1 },
        },
      },
      ...(withBuilt
        ? [
            {
              test: {
                ...shared,
                name: "built",
                include: BUILT,
                maxWorkers: timedWorkers,
                sequence: { groupOrder: 1 },
              },
            },
          ]
        : []),
    ],
  },
});
