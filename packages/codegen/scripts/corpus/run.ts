import { mkdirSync } from "node:fs";
import { join, relative } from "node:path";
import { corpusDocuments, matching } from "./documents";
import { JournalWriter, readJournals } from "./journal";
import { findMypy } from "./mypy";
import { inShard, stratifiedOrder, stratifiedSample } from "./sampling";
import { sweepDocument } from "./sweep-document";
import { typecheckBatch } from "./tsc";
import {
  CHECKS,
  type Check,
  type CorpusDocument,
  type DocumentResult,
  SWEEP_DIR,
  type SweepOptions,
  type SweepResult,
} from "./types";

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
 * TypeScript SDKs are compiled in batches as they come. With a journal, each document's result is
 * appended once complete (after its tsc batch), and `resume` skips the documents it already has.
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
            journal?.result(results[index]!);
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
        journal?.started(documents[index]!.id);
        const { result, tsDir } = await sweepDocument(documents[index]!, {
          enabled,
          mypy,
          newmanOperations: options.newmanOperations ?? 40,
          checkTimeoutMs: options.checkTimeoutMs ?? 600_000,
          scratch,
        });
        results[index] = result;
        if (tsDir && enabled.has("tsc")) {
          pendingTs.push({ index, dir: tsDir });
          flushTs(false);
        } else {
          if (!enabled.has("tsc")) result.checks.tsc = { status: "skip", reason: "not in checks" };
          journal?.result(result);
        }
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
      checks: checksRun,
    },
  };
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
