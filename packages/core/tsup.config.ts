import { packageBuild } from "../../tsup.shared";

export default packageBuild(
  {
    index: "src/index.ts",
    postgres: "src/postgres/index.ts",
    bullmq: "src/bullmq/index.ts",
    testing: "src/testing/index.ts",
  },
  { bundleForCjs: ["p-retry", "is-network-error"], esmOnly: ["testing"] },
);
