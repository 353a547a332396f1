import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { loadSpec, OUT_DIR, sampleOperations, slug } from "../../_test/specs";
import { createMockServer } from "../../mock/server";
import { generateContractTests } from "./index";

const exec = promisify(execFile);
const VITEST = join(OUT_DIR, "../../../node_modules/vitest/vitest.mjs");
// The suites run from the repository's git-ignored /tmp (vite cannot load a config inside a dot-folder).
const SUITES = join(OUT_DIR, "../../../tmp/contract");

describe("tests (contract suites)", () => {
  it("generated suites pass against the mock of their document (one vitest run)", async () => {
    const specs = [
      "edge/3.0/petstore.json",
      "edge/3.1/petstore.json",
      "real/svix.json",
      "real/vercel.json",
      "large/stripe.json",
    ] as const;
    rmSync(SUITES, { recursive: true, force: true });
    const listeners = [];
    const env: Record<string, string> = {};
    for (const spec of specs) {
      const input = loadSpec(spec);
      const name = `CONTRACT_BASE_URL_${slug(spec).toUpperCase()}`;
      const operations = sampleOperations(input.operations, 60);
      const files = generateContractTests(input, { baseUrlEnv: name, operations });
      for (const file of files) {
        mkdirSync(join(SUITES, slug(spec)), { recursive: true });
        writeFileSync(join(SUITES, slug(spec), file.path), file.contents);
      }
      const listener = await createMockServer(input.document).listen();
      listeners.push(listener);
      env[name] = listener.url;
    }
    try {
      const config = join(SUITES, "vitest.config.mjs");
      writeFileSync(
        config,
        'export default { test: { include: ["**/contract.test.ts"], testTimeout: 30000 } };\n',
      );
      const result = await exec(
        process.execPath,
        [VITEST, "run", "--root", SUITES, "--config", config, "--reporter", "json"],
        {
          env: { ...process.env, ...env },
          maxBuffer: 64 * 1024 * 1024,
        },
      ).catch((e: { stdout: string }) => e);
      const report = JSON.parse(result.stdout.slice(result.stdout.indexOf("{"))) as {
        numTotalTests: number;
        numFailedTests: number;
        testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[] }[];
      };
      const failed = report.testResults.flatMap((r) =>
        r.assertionResults
          .filter((a) => a.status !== "passed")
          .map((a) => `${a.title}: ${a.failureMessages[0]?.slice(0, 200)}`),
      );
      expect(failed).toEqual([]);
      expect(report.numTotalTests).toBeGreaterThan(80);
    } finally {
      await Promise.all(listeners.map((l) => l.close()));
    }
  }, 300_000);
});
