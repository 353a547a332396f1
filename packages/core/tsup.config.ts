import { packageBuild } from "../../tsup.shared";

export default packageBuild(
  {
    index: "src/index.ts",
    postgres: "src/postgres/index.ts",
    bullmq: "src/bullmq/index.ts",
    testing: "src/testing/index.ts",
  },
  {
    bundleForCjs: ["p-retry", "is-network-error", "oauth4webapi"],
    // vitest refuses require(): the CJS build of `testing` uses the runner's globals (issue 18).
    cjsAlias: { vitest: "./src/testing/_runner-globals.ts" },
  },
);
