import { mkdirSync } from "node:fs";
import { join, relative } from "node:path";
import { corpusDocuments, matching } from "./documents";
import { findMypy } from "./mypy";
import { stratifiedSample } from "./sampling";
import { sweepDocument } from "./sweep-document";
import { typecheckBatch } from "./tsc";
import {
  CHECKS,
  type Check,
  type DocumentResult,
  SWEEP_DIR,
  type SweepOptions,
  type SweepResult,
} from "./types";

/**
 * Runs the sweep: the documents (all, `only` a glob, or a stratified `sample`) through the
 * enabled checks, `jobs` at a time; the TypeScript SDKs are compiled in batches as they come.
 */
export async function runSweep(options: SweepOptions = {}): Promise<SweepResult> {
  const started = performance.now();
  const seed = options.seed ?? 19;
  const jobs = Math.max(1, options.jobs ?? 2);
  let documents = corpusDocuments();
  if (options.only) documents = matching(documents, options.only);
  if (options.sample !== undefined) documents = stratifiedSample(documents, options.sample, seed);
  const enabled = new Set<Check>(options.checks ?? CHECKS);
  enabled.add("load");
  const scratch = options.scratch ?? SWEEP_DIR;
  mkdirSync(scratch, { recursive: true });
  const mypy = enabled.has("mypy") ? await findMypy() : undefined;
  const results: DocumentResult[] = new Array(documents.length);
  const pendingTs: { index: number; dir: string }[] = [];
  const tscRuns: Promise<void>[] = [];
  const batchSize = options.tscBatch ?? 20;
  const flushTs = (force: boolean): void => {
    while (pendingTs.length >= batchSize || (force && pendingTs.length > 0)) {
      const batch = pendingTs.splice(0, batchSize);
      tscRuns.push(
        typecheckBatch(
          scratch,
          batch.map((b) => b.dir),
          `batch${tscRuns.length}`,
        ).then((errors) => {
          for (const { index, dir } of batch) {
            const lines = errors.get(dir) ?? [];
            results[index]!.checks.tsc =
              lines.length === 0
                ? { status: "pass" }
                : {
                    status: "fail",
                    error: `${lines.length} errors; first: ${relative(dir, join(scratch, lines[0]!))}`,
                  };
          }
        }),
      );
    }
  };
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: Math.min(jobs, documents.length) }, async () => {
      while (next < documents.length) {
        const index = next++;
        const { result, tsDir } = await sweepDocument(documents[index]!, {
          enabled,
          mypy,
          newmanOperations: options.newmanOperations ?? 40,
          scratch,
        });
        results[index] = result;
        if (tsDir && enabled.has("tsc")) {
          pendingTs.push({ index, dir: tsDir });
          flushTs(false);
        } else if (!enabled.has("tsc")) result.checks.tsc = { status: "skip", reason: "not in checks" };
        done++;
        options.onDocument?.(result, done, documents.length);
      }
    }),
  );
  flushTs(true);
  await Promise.all(tscRuns);
  return {
    documents: results,
    wallMs: Math.round(performance.now() - started),
    mypy: mypy?.join(" "),
    options: {
      ...(options.sample !== undefined ? { sample: options.sample } : {}),
      ...(options.only ? { only: options.only } : {}),
      seed,
      jobs,
      checks: CHECKS.filter((c) => enabled.has(c)),
    },
  };
}
