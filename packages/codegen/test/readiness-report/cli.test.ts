import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { specPath } from "../../src/_test/specs";
import { runCli } from "../../src/cli/main";
import { ordersDoc } from "./fixtures";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../../../..");
const bin = join(here, "../../src/cli/bin.ts");

/** Runs `synapseops …` as a child process, as a user would (source through tsx). */
function synapseops(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        "--conditions=@synapseops/source",
        "--import",
        join(root, "node_modules/tsx/dist/esm/index.mjs"),
        bin,
        ...args,
      ],
      { cwd: options.cwd, env: { ...process.env, ...options.env, NO_COLOR: "1" }, timeout: 170_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe("synapseops test (child process)", () => {
  let broken: Server;
  let brokenUrl: string;
  const seen: string[] = [];
  beforeAll(async () => {
    // A sandbox that answers 200 {} to everything: no credentials checked, no schema kept.
    broken = createServer((request, response) => {
      seen.push(`${request.method} ${request.url} ${request.headers["x-api-key"] ?? "-"}`);
      request.resume();
      response.writeHead(200, { "content-type": "application/json" });
      response.end("{}");
    });
    await new Promise<void>((resolve) => broken.listen(0, "127.0.0.1", resolve));
    brokenUrl = `http://127.0.0.1:${(broken.address() as AddressInfo).port}/v2`;
  });
  afterAll(() => new Promise<void>((resolve) => broken.close(() => resolve())));

  it("ad hoc: runs a shared document's suite against its mock and writes report, JUnit and JSON", {
    timeout: 180_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "synapseops-test-cli-"));
    const result = await synapseops(
      [
        "test",
        "--input",
        specPath("edge/3.0/petstore.json"),
        "--env",
        "mock",
        "--report",
        "out/readiness.md",
        "--junit",
        "out/junit.xml",
        "--json",
        "out/result.json",
      ],
      { cwd: dir },
    );
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("READY in mock");
    const report = readFileSync(join(dir, "out/readiness.md"), "utf8");
    expect(report).toContain("**Verdict: READY** in `mock`");
    expect(report).toContain("## Swagger Petstore 1.0.0: ready");
    expect(readFileSync(join(dir, "out/junit.xml"), "utf8")).toMatch(
      /^<\?xml[\s\S]*<testsuites [^>]*failures="0"/,
    );
    const json = JSON.parse(readFileSync(join(dir, "out/result.json"), "utf8")) as {
      report: { verdict: string };
      runs: { summary: { failed: number; passed: number } }[];
    };
    expect(json.report.verdict).toBe("ready");
    expect(json.runs[0]?.summary.failed).toBe(0);
    expect(json.runs[0]?.summary.passed).toBeGreaterThan(0);
  });

  it("ad hoc on a document no test has seen, as HTML", { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "synapseops-test-cli-"));
    writeFileSync(join(dir, "orders.json"), JSON.stringify(ordersDoc()));
    const result = await synapseops(["test", "--input", "orders.json", "--report", "readiness.html"], {
      cwd: dir,
    });
    expect(result.code).toBe(0);
    const html = readFileSync(join(dir, "readiness.html"), "utf8");
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain("Orders 1.0.0: ready");
  });

  it("with a config: runs against the named sandbox, exits 1 and reports what is not ready", {
    timeout: 180_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "synapseops-test-cli-"));
    writeFileSync(join(dir, "orders.json"), JSON.stringify(ordersDoc()));
    writeFileSync(
      join(dir, "synapseops.config.json"),
      JSON.stringify({
        input: "orders.json",
        targets: [],
        environments: {
          sandbox: { kind: "sandbox", baseUrl: brokenUrl, secrets: { key: "ORDERS_API_KEY" } },
        },
        test: { projectId: "prj_orders", report: "readiness.md" },
      }),
    );
    const result = await synapseops(["test", "--env", "sandbox"], {
      cwd: dir,
      env: { ORDERS_API_KEY: "sk_sandbox_1" },
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("NOT READY in sandbox");
    const report = readFileSync(join(dir, "readiness.md"), "utf8");
    expect(report).toContain("# Integration readiness: prj\\_orders");
    expect(report).toMatch(/\| auth \| required \| \*\*failed\*\*/);
    // The credential came from the process environment, and the sandbox really was called.
    expect(seen.some((line) => line.endsWith("sk_sandbox_1"))).toBe(true);
  });

  it("refuses an environment the config does not define (exit 2)", async () => {
    const lines: string[] = [];
    const io = {
      cwd: mkdtempSync(join(tmpdir(), "synapseops-test-cli-")),
      out: () => {},
      err: (l: string) => lines.push(l),
    };
    expect(await runCli(["test", "--input", specPath("edge/3.0/petstore.json"), "--env", "uat"], io)).toBe(2);
    expect(lines.join("\n")).toContain('environment "uat" is not in the config');
  });
});
