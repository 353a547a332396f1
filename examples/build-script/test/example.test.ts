import { execFile } from "node:child_process";
import { appendFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { StaleOutputError } from "@synapseops/codegen";
import { afterAll, describe, expect, it } from "vitest";
import { buildArtifacts, exampleDir } from "../src/artifacts";

const run = promisify(execFile);
const NODE_ARGS = ["--conditions=@synapseops/source", "--import", "tsx"];
const CLI = join(exampleDir, "../../packages/codegen/src/cli/bin.ts");

/** Runs `synapseops <args>` from the example's folder, as its npm scripts do; never throws. */
async function synapseops(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...NODE_ARGS, CLI, ...args], {
      cwd: exampleDir,
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout: string; stderr: string };
    return {
      code: typeof failed.code === "number" ? failed.code : -1,
      stdout: failed.stdout,
      stderr: failed.stderr,
    };
  }
}

const temp = await mkdtemp(join(tmpdir(), "build-script-test-"));
afterAll(() => rm(temp, { recursive: true, force: true }));

describe("build-script example", () => {
  it("the committed generated/ is up to date (what `npm run check` guards in CI)", async () => {
    const results = await buildArtifacts({ check: true });
    expect(results.map((r) => r.report.stale)).toEqual([[], []]);
    expect(results.map((r) => r.report.targets.map((t) => t.target))).toEqual([
      ["openapi", "postman", "sdk-ts"],
      ["openapi", "sdk-ts", "tests"],
    ]);
  });

  it("CLI: generate into a temp dir, --check passes, a hand-edited file fails --check by name", async () => {
    const out = join(temp, "generated/orders-api");
    const generated = await synapseops(["generate", "--config", "synapseops.config.ts", "--out", out]);
    expect(generated.code).toBe(0);
    expect(generated.stdout).toMatch(/wrote 8 file\(s\)/);

    const fresh = await synapseops(["generate", "--config", "synapseops.config.ts", "--out", out, "--check"]);
    expect(fresh).toMatchObject({ code: 0 });
    expect(fresh.stdout).toContain("is up to date");

    await appendFile(join(out, "postman/collection.json"), "\n");
    const stale = await synapseops(["generate", "--config", "synapseops.config.ts", "--out", out, "--check"]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("stale: postman/collection.json");
    expect(stale.stderr).not.toContain("stale: sdk-ts/");
  });

  it("the programmatic build finds the same stale file the CLI would", async () => {
    const outRoot = join(temp, "programmatic");
    const written = await buildArtifacts({ outRoot });
    expect(written.map((r) => r.report.written)).toEqual([8, 10]);
    await appendFile(join(outRoot, "generated/shop-to-erp/sdk-ts/models.ts"), "// edited\n");
    const error = await buildArtifacts({ outRoot, check: true }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StaleOutputError);
    expect((error as StaleOutputError).stale).toEqual(["sdk-ts/models.ts"]);
    expect((error as StaleOutputError).code).toBe("CONFLICT");
  });

  it("the example runs end to end", async () => {
    const { stdout } = await run(process.execPath, [...NODE_ARGS, "src/main.ts"], {
      cwd: exampleDir,
      timeout: 30_000,
    });
    expect(stdout).toMatch(/orders-api \(OpenAPI document\) → generated\/orders-api .*3 operations/);
    expect(stdout).toMatch(/shop-to-erp \(blueprint\): up to date \(0 stale\)/);
    expect(stdout).toMatch(/== check after a hand edit\nCONFLICT: .*\n {2}stale: sdk-ts\/operations\.ts\n/);
    expect(stdout).toContain("== regenerate, check\nup to date");
  });
});
