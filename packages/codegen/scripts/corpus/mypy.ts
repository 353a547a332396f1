import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { firstLine } from "./_util";
import type { CheckResult } from "./types";

const exec = promisify(execFile);

/** How to run `mypy`, if installed (Debian: python3-mypy, run as `/usr/bin/python3 -m mypy`). */
export async function findMypy(): Promise<string[] | undefined> {
  for (const candidate of [["mypy"], ["python3", "-m", "mypy"], ["/usr/bin/python3", "-m", "mypy"]]) {
    try {
      const { stdout } = await exec(candidate[0]!, [...candidate.slice(1), "--version"]);
      if (stdout.includes("mypy")) return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** Where and how a mypy batch runs. */
export interface MypyRunner {
  /** The command (`findMypy`). */
  mypy: readonly string[];
  /** Shared by every batch: the standard library is analysed once per sweep, not per document. */
  cacheDir: string;
  /** Batch folders are made under it (and removed after their run). */
  workDir: string;
  /**
   * Longest one mypy invocation may take, a batch's as one document's: a batch of ordinary SDKs
   * takes seconds, and one that takes longer is checked again document by document.
   */
  timeoutMs: number;
}

/** One generated package of a batch under its batch-unique name. */
interface Member {
  sdkDir: string;
  pkg: string;
  unique: string;
}

/**
 * `mypy --strict` over the Python SDKs of several documents in ONE invocation (start-up and the
 * standard library's cache dominate a per-document run), with each document's result.
 *
 * Each SDK folder's packages are copied into a batch folder under a name unique in the batch
 * (`<package>__<n>`: two documents may generate the same package name, and mypy refuses
 * duplicate modules); the generated code imports itself relatively, so renaming changes nothing
 * else. Each error is attributed to its document by the first segment of its path, and the
 * unique names are mapped back, so a result reads as a run in the SDK's own folder would. A run
 * that crashes, times out, stops at a blocking error (exit 2, after which mypy checks nothing
 * more) or prints an error no member owns says nothing reliable about the others: each document
 * is then checked alone.
 */
export async function mypyBatch(
  runner: MypyRunner,
  sdkDirs: readonly string[],
  name: string,
): Promise<Map<string, CheckResult>> {
  const batchDir = join(runner.workDir, name);
  rmSync(batchDir, { recursive: true, force: true });
  mkdirSync(batchDir, { recursive: true });
  const members: Member[] = sdkDirs.flatMap((sdkDir, n) =>
    packagesOf(sdkDir).map((pkg) => {
      const unique = `${pkg}__${n}`;
      cpSync(join(sdkDir, pkg), join(batchDir, unique), { recursive: true });
      return { sdkDir, pkg, unique };
    }),
  );
  const outcome = await runMypy(
    runner,
    batchDir,
    members.map((m) => m.unique),
    runner.timeoutMs,
  );
  rmSync(batchDir, { recursive: true, force: true });
  forgetCached(runner.cacheDir, members);
  const errors = attribute(outcome.lines, members);
  if (sdkDirs.length > 1 && (outcome.unreliable !== undefined || errors.unowned.length > 0)) {
    const alone = new Map<string, CheckResult>();
    for (const [i, sdkDir] of sdkDirs.entries())
      for (const [dir, result] of await mypyBatch(runner, [sdkDir], `${name}-alone${i}`))
        alone.set(dir, result);
    return alone;
  }
  const resultOf = (sdkDir: string): CheckResult => {
    const lines = errors.bySdk.get(sdkDir) ?? [];
    if (lines.length > 0) return { status: "fail", error: `${lines.length} errors; first: ${lines[0]}` };
    const unexplained = errors.unowned[0] ?? outcome.unreliable;
    if (unexplained !== undefined) return { status: "fail", error: unexplained };
    if (members.every((m) => m.sdkDir !== sdkDir))
      return { status: "fail", error: "no Python package (a folder with __init__.py) to check" };
    return { status: "pass" };
  };
  return new Map(sdkDirs.map((sdkDir) => [sdkDir, resultOf(sdkDir)]));
}

/**
 * Generated Python SDKs larger than this are checked alone, beside the batches: their own check
 * dominates (batching saves nothing), and one that takes many minutes (Stripe's 2 MB SDK) would
 * hold up every document queued behind its batch.
 */
export const HEAVY_PYTHON_BYTES = 1_000_000;

/** The bytes of `.py` files in an SDK folder's packages (what mypy reads). */
export function pythonBytes(sdkDir: string): number {
  let total = 0;
  for (const pkg of packagesOf(sdkDir))
    for (const file of readdirSync(join(sdkDir, pkg)))
      if (file.endsWith(".py")) total += statSync(join(sdkDir, pkg, file)).size;
  return total;
}

/** The folders of `root` that are Python packages (what the generator writes: one). */
function packagesOf(root: string): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(root, e.name, "__init__.py")))
    .map((e) => e.name);
}

/** mypy's error lines, and why the run as a whole cannot be trusted (crash, timeout, blocking error). */
async function runMypy(
  runner: MypyRunner,
  cwd: string,
  packages: readonly string[],
  timeoutMs: number,
): Promise<{ lines: string[]; unreliable?: string }> {
  if (packages.length === 0) return { lines: [] };
  const args = [...runner.mypy.slice(1), "--strict", "--no-error-summary", "--cache-dir", runner.cacheDir];
  try {
    await exec(runner.mypy[0]!, [...args, ...packages], {
      cwd,
      maxBuffer: 256 * 1024 * 1024,
      timeout: timeoutMs,
    });
    return { lines: [] };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; code?: number | string; killed?: boolean };
    const lines = String(failed.stdout ?? "")
      .split("\n")
      .filter((line) => line.includes(": error:"));
    // Exit 1: type errors, every module checked. Anything else stopped mypy part-way.
    if (failed.code === 1 && !failed.killed) return { lines };
    const why = failed.killed
      ? `mypy timed out after ${Math.round(timeoutMs / 1000)} s`
      : `mypy stopped (exit ${String(failed.code)}): ${lines[0] ?? firstLine(failed.stderr || error)}`;
    return { lines, unreliable: why };
  }
}

/** Error lines per SDK folder (paths and module names back under the package's own name). */
function attribute(
  lines: readonly string[],
  members: readonly Member[],
): { bySdk: Map<string, string[]>; unowned: string[] } {
  const byUnique = new Map(members.map((m) => [m.unique, m]));
  const bySdk = new Map<string, string[]>();
  const unowned: string[] = [];
  for (const line of lines) {
    const member = byUnique.get(line.split(/[/\\]/, 1)[0]!);
    if (!member) {
      unowned.push(line);
      continue;
    }
    const shown = line.replace(new RegExp(`\\b${member.unique}\\b`, "g"), member.pkg);
    bySdk.set(member.sdkDir, [...(bySdk.get(member.sdkDir) ?? []), shown]);
  }
  return { bySdk, unowned };
}

/** Drops the batch's modules from the shared cache: a later `<package>__<n>` is another SDK, and the cache would only grow. */
function forgetCached(cacheDir: string, members: readonly Member[]): void {
  if (!existsSync(cacheDir)) return;
  for (const version of readdirSync(cacheDir, { withFileTypes: true }))
    if (version.isDirectory())
      for (const m of members)
        rmSync(join(cacheDir, version.name, m.unique), { recursive: true, force: true });
}
