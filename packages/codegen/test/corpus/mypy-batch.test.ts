// Issue 19: mypy --strict over the whole corpus is feasible only batched; each document keeps its result.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findMypy, type MypyRunner, mypyBatch } from "../../scripts/corpus/mypy";

const mypy = await findMypy();
// Locally mypy may be missing (skip, saying why); CI installs python3-mypy, so there it must run.
if (!mypy && process.env.CI === "true")
  throw new Error("mypy is required under CI=true (apt-get install python3-mypy)");

/** A generated-SDK-like folder: one package `client` (the same name in every SDK) with `api.py`. */
function sdk(root: string, name: string, api: string): string {
  const dir = join(root, name, "sdk-python");
  mkdirSync(join(dir, "client"), { recursive: true });
  writeFileSync(join(dir, "client", "__init__.py"), "from .api import answer\n\n__all__ = ['answer']\n");
  writeFileSync(join(dir, "client", "api.py"), api);
  return dir;
}

/** A runner whose mypy notes each invocation in `root/invocations` (one line each). */
const runner = (root: string): MypyRunner => ({
  mypy: ["sh", "-c", `echo run >> "${root}/invocations"; exec ${mypy!.join(" ")} "$@"`, "mypy"],
  cacheDir: join(root, ".mypy_cache"),
  workDir: join(root, ".batches"),
  timeoutMs: 120_000,
});

const invocations = (root: string): number =>
  readFileSync(join(root, "invocations"), "utf8").split("\n").filter(Boolean).length;

describe.skipIf(!mypy)("mypy over several SDKs in one invocation", () => {
  it("gives each SDK its own errors, under its own package name, though both are named alike", async () => {
    const root = mkdtempSync(join(tmpdir(), "corpus-mypy-"));
    const clean = sdk(root, "clean", "def answer() -> int:\n    return 42\n");
    const broken = sdk(root, "broken", "from .missing import answer\n");
    const results = await mypyBatch(runner(root), [clean, broken], "b0");
    expect(invocations(root)).toBe(1);
    expect(results.get(clean)).toEqual({ status: "pass" });
    expect(results.get(broken)).toMatchObject({
      status: "fail",
      error: expect.stringMatching(
        /^2 errors; first: client[/\\]api\.py:1: error: Cannot find .* module named "client\.missing"/,
      ),
    });
  });

  it("checks each SDK alone when one stops mypy with a blocking error", async () => {
    const root = mkdtempSync(join(tmpdir(), "corpus-mypy-"));
    const clean = sdk(root, "clean", "def answer() -> int:\n    return 42\n");
    const syntax = sdk(root, "syntax", "def answer( -> int:\n    return 42\n");
    const results = await mypyBatch(runner(root), [syntax, clean], "b0");
    expect(invocations(root)).toBe(3);
    expect(results.get(clean)).toEqual({ status: "pass" });
    expect(results.get(syntax)).toMatchObject({
      status: "fail",
      error: expect.stringMatching(/^1 errors; first: client[/\\]api\.py:1: error: invalid syntax/),
    });
  });
});

if (!mypy) it.skip("mypy batches: skipped, mypy is not installed (apt-get install python3-mypy)", () => {});
