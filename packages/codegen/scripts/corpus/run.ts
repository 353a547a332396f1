import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { firstLine } from "./_util";
import { BatchQueue } from "./batch-queue";
import { corpusDocuments, matching } from "./documents";
import { JournalWriter, readJournals } from "./journal";
import { findMypy, HEAVY_PYTHON_BYTES, mypyBatch, pythonBytes } from "./mypy";
import { inShard, stratifiedOrder, stratifiedSample } from "./sampling";
import { sweepDocument } from "./sweep-document";
import { typecheckBatch } from "./tsc";
import {
  CHECKS,
  type Check,
  type CheckResult,
  type CorpusDocument,
  type DocumentResult,
  SWEEP_DIR,
  type SweepOptions,
  type SweepResult,
} from "./types";

const STOP_SIGNALS = ["SIGTERM", "SIGINT"] as const;

/**
 * The documents a sweep covers: all, `only` a glob, a stratified `sample`, one `shard`; in id
 * order or the stratified order a long run wants.
 */
export function selectDocuments(options: SweepOptions = {}): CorpusDocument[] {
  const seed = options.seed ?? 19;
  let documents = corpusDocuments();
  if (options.only) documents = matching(documents, options.only);
  if (options.sample !== undefined) documents = stratifiedSample(documents, options.sample, seed);
  const shard = options.shard;
  if (shard) documents = documents.filter((d) => inShard(d.id, shard.index, shard.count));
  return options.order === "stratified" ? stratifiedOrder(documents, seed) : documents;
}

/**
 * Runs the sweep over the selected documents through the enabled checks, `jobs` at a time; the
 * TypeScript and Python SDKs are type-checked in batches as they come (tsc and mypy start-up
 * dominate a per-document run). With a journal, each document's result is appended once complete
 * (after its batches), and `resume` skips the documents it already has.
 */
export async function runSweep(options: SweepOptions = {}): Promise<SweepResult> {
  const started = performance.now();
  const seed = options.seed ?? 19;
  const jobs = Math.max(1, options.jobs ?? 2);
  const enabled = new Set<Check>(options.checks ?? CHECKS);
  enabled.add("load");
  const checksRun = CHECKS.filter((c) => enabled.has(c));
  let documents = selectDocuments(options);
  const journal = options.journal
    ? new JournalWriter(options.journal, options.commit ?? "unknown", checksRun)
    : undefined;
  if (options.journal && options.resume) {
    const { results, unfinished } = readJournals([options.journal]);
    const done = new Set(results.keys());
    // A document the process died on twice is recorded as failed instead of killing every resume.
    for (const doc of documents)
      if (!done.has(doc.id) && (unfinished.get(doc.id) ?? 0) >= 2) {
        journal!.result(diedOn(doc, unfinished.get(doc.id)!, checksRun));
        done.add(doc.id);
      }
    documents = documents.filter((d) => !done.has(d.id));
  }
  // A run stopped on purpose says so in the journal; its unfinished documents did not kill it.
  const stop = (signal: NodeJS.Signals): void => {
    journal?.stopped();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  if (journal) for (const signal of STOP_SIGNALS) process.once(signal, stop);
  const scratch = options.scratch ?? SWEEP_DIR;
  mkdirSync(scratch, { recursive: true });
  const mypy = enabled.has("mypy") ? await findMypy() : undefined;
  const results: DocumentResult[] = new Array(documents.length);
  const tsc = new BatchQueue(
    options.tscBatch ?? 20,
    (dirs, name) => typecheckBatch(scratch, dirs, name),
    "batch",
  );
  const mypyRunner = mypy && {
    mypy,
    cacheDir: join(scratch, ".mypy_cache"),
    workDir: join(scratch, ".mypy-batches"),
    timeoutMs: options.checkTimeoutMs ?? 600_000,
  };
  const checkMypy = (dirs: readonly string[], name: string) => mypyBatch(mypyRunner!, dirs, name);
  const mypyQueue = new BatchQueue(options.mypyBatch ?? 20, checkMypy, "mypy");
  // The few largest SDKs run alone beside the batches (see HEAVY_PYTHON_BYTES): at most two mypy at once.
  const heavyMypyQueue = new BatchQueue(1, checkMypy, "mypy-heavy");
  // Documents swept but waiting for a batch; bounded, so a stopped run leaves few unfinished.
  const waiting = new Set<Promise<void>>();
  const mostWaiting = 2 * Math.max(tsc.size, mypyQueue.size) + jobs;
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: Math.min(jobs, documents.length) }, async () => {
      while (next < documents.length) {
        while (waiting.size >= mostWaiting) await Promise.race(waiting);
        const index = next++;
        journal?.started(documents[index]!.id);
        const { result, tsDir, pyDir } = await sweepDocument(documents[index]!, {
          enabled,
          mypy,
          newmanOperations: options.newmanOperations ?? 40,
          checkTimeoutMs: options.checkTimeoutMs ?? 600_000,
          scratch,
        });
        results[index] = result;
        if (!enabled.has("tsc")) result.checks.tsc = { status: "skip", reason: "not in checks" };
        const batched = Promise.all([
          tsDir && enabled.has("tsc")
            ? failedAs(tsc.add(tsDir)).then((r) => {
                result.checks.tsc = r;
              })
            : undefined,
          pyDir
            ? failedAs(
                (pythonBytes(pyDir) > HEAVY_PYTHON_BYTES ? heavyMypyQueue : mypyQueue).add(pyDir),
              ).then((r) => {
                result.checks.mypy = r;
              })
            : undefined,
        ]).then(() => {
          journal?.result(result);
          // Reported once complete: an "ok" before its batches ran would not say tsc or mypy passed.
          options.onDocument?.(result, ++done, documents.length);
        });
        const settled = batched.finally(() => waiting.delete(settled));
        waiting.add(settled);
      }
    }),
  );
  tsc.flush();
  mypyQueue.flush();
  heavyMypyQueue.flush();
  await Promise.all(waiting);
  for (const signal of STOP_SIGNALS) process.off(signal, stop);
  return {
    documents: results,
    wallMs: Math.round(performance.now() - started),
    mypy: mypy?.join(" "),
    options: {
      ...(options.sample !== undefined ? { sample: options.sample } : {}),
      ...(options.only ? { only: options.only } : {}),
      seed,
      jobs,
      checks: checksRun,
    },
  };
}

/** A batch that threw (tsc could not start, a disk full) fails its documents' check, not the sweep. */
function failedAs(result: Promise<CheckResult>): Promise<CheckResult> {
  return result.catch((error: unknown) => ({ status: "fail", error: firstLine(error) }));
}

/** The result of a document the sweep process died on `times` times: every check it ran fails. */
function diedOn(doc: CorpusDocument, times: number, checksRun: readonly Check[]): DocumentResult {
  const error = `the sweep process died on this document (started ${times} times without a result)`;
  return {
    id: doc.id,
    version: doc.version,
    size: doc.size,
    operations: 0,
    valid: undefined,
    checks: Object.fromEntries(checksRun.map((c) => [c, { status: "fail", error }])),
    mock5xx: 0,
    crossOriginCredentials: 0,
    ms: 0,
  };
}
