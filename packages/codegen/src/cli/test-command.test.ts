import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./main";

const doc = {
  openapi: "3.0.3",
  info: { title: "Quiet", version: "1.0.0" },
  paths: {
    "/pets/{id}": {
      get: {
        operationId: "getPet",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
        responses: {
          "200": {
            description: "a pet",
            content: {
              "application/json": {
                schema: { type: "object", required: ["id"], properties: { id: { type: "integer" } } },
              },
            },
          },
        },
      },
    },
  },
};

async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { cwd: tmpdir(), out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe("synapseops test --quiet (issue 19.9)", () => {
  it("prints only the verdict (and its blockers); without --quiet, progress and summaries too", async () => {
    const dir = mkdtempSync(join(tmpdir(), "synapseops-quiet-"));
    const input = join(dir, "openapi.json");
    writeFileSync(input, JSON.stringify(doc));
    const report = join(dir, "report.md");
    const quiet = await cli(["test", "--input", input, "--report", report, "--quiet"]);
    expect(quiet.err).toEqual([]);
    expect(quiet.out.filter((line) => !line.startsWith("  not ready: "))).toEqual([
      `synapseops: ${quiet.code === 0 ? "READY" : "NOT READY"} in mock`,
    ]);
    expect(readFileSync(report, "utf8")).toContain("# Integration readiness");
    const loud = await cli(["test", "--input", input, "--report", report]);
    expect(loud.code).toBe(quiet.code);
    expect(loud.err.some((line) => line.includes("case(s) on mock"))).toBe(true);
    expect(loud.err.some((line) => line.includes("wrote the readiness report"))).toBe(true);
    expect(loud.out.some((line) => line.startsWith("synapseops: Quiet 1.0.0 on mock:"))).toBe(true);
  }, 60_000);
});
