import { packageBuild } from "../../tsup.shared";

// `evaluation-worker` is no public subpath: createWorkerEvaluator starts it from dist/ by file name.
export default packageBuild({ index: "src/index.ts", "evaluation-worker": "src/evaluation-worker.ts" });
