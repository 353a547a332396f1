import { packageBuild } from "../../tsup.shared";

// The CLI is ESM only (top-level await); its bin points at dist/cli.js.
export default packageBuild({ index: "src/index.ts", cli: "src/cli/bin.ts" }, { esmOnly: ["cli"] });
