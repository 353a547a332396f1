import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { CHECKS, type Check, type CorpusDocument, type DocumentResult, type SweepResult } from "./types";

/**
 * One line of a sweep journal (JSONL): a document's result, the code it was produced with and
 * the checks that were asked for — or a `started` mark written before the document's checks run,
 * so a resumed sweep can tell a document that killed the process from one never reached, and a
 * `stopped` mark for each document a deliberately stopped sweep (SIGTERM, SIGINT) left unfinished,
 * which cancels its `started` mark: stopping a run twice must not record its documents as failed.
 */
export type JournalLine =
  | ({ kind: "result"; commit: string; at: string; checksRun: readonly Check[] } & DocumentResult)
  | { kind: "started"; id: string; commit: string; at: string }
  | { kind: "stopped"; id: string; commit: string; at: string };

export type JournalRecord = Extract<JournalLine, { kind: "result" }>;

/** What a journal holds: the last result per document and how often each unfinished one was started. */
export interface JournalContents {
  results: Map<string, JournalRecord>;
  /** Documents started without a result since: the process died (or was stopped) on them. */
  unfinished: Map<string, number>;
}

/**
 * Reads journals (later ones win per document). A torn last line — the process was killed while
 * writing — is ignored; any other unreadable line is an error, so a journal is never half-read.
 */
export function readJournals(paths: readonly string[]): JournalContents {
  const results = new Map<string, JournalRecord>();
  const unfinished = new Map<string, number>();
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const lines = readFileSync(path, "utf8").split("\n");
    lines.forEach((text, i) => {
      if (text.trim() === "") return;
      let line: JournalLine;
      try {
        line = JSON.parse(text) as JournalLine;
      } catch (error) {
        if (i >= lines.length - 2) return;
        throw new Error(`${path}:${i + 1}: not a journal line (${(error as Error).message})`);
      }
      if (line.kind === "started") unfinished.set(line.id, (unfinished.get(line.id) ?? 0) + 1);
      else if (line.kind === "stopped") {
        const starts = (unfinished.get(line.id) ?? 0) - 1;
        if (starts > 0) unfinished.set(line.id, starts);
        else unfinished.delete(line.id);
      } else {
        results.set(line.id, mergeChecks(results.get(line.id), line));
        unfinished.delete(line.id);
      }
    });
  }
  return { results, unfinished };
}

/**
 * A later result of the same document replaces the checks it ran and keeps the earlier one's
 * others: a separate mypy pass adds its column without erasing the sweep's, nor its mock 5xx and
 * cross-origin counts (a pass that sent no request says nothing about them). A pass that ran
 * every check the earlier one did is a rerun and replaces it; otherwise both passes' time and
 * commits are kept.
 */
function mergeChecks(earlier: JournalRecord | undefined, later: JournalRecord): JournalRecord {
  if (!earlier) return later;
  const ran = checksProduced(later);
  const checks = { ...earlier.checks };
  for (const [check, result] of Object.entries(later.checks) as [Check, DocumentResult["checks"][Check]][])
    if (result && ran.has(check)) checks[check] = result;
  const requested = ran.has("mock-5xx");
  const rerun = earlier.checksRun.every((c) => ran.has(c));
  return {
    ...later,
    checks,
    checksRun: [...new Set([...earlier.checksRun, ...later.checksRun])],
    mock5xx: requested ? later.mock5xx : earlier.mock5xx,
    crossOriginCredentials: requested ? later.crossOriginCredentials : earlier.crossOriginCredentials,
    ms: rerun ? later.ms : earlier.ms + later.ms,
    commit: rerun || earlier.commit === later.commit ? later.commit : `${earlier.commit}, ${later.commit}`,
  };
}

/** The checks a result speaks for: those its pass ran, and the request counts when it made requests. */
function checksProduced(record: JournalRecord): Set<Check> {
  const ran = new Set<Check>(record.checksRun);
  if (ran.has("readiness") || ran.has("newman"))
    for (const c of ["mock-5xx", "cross-origin"] as const) ran.add(c);
  return ran;
}

/** Appends lines to a journal, one `appendFileSync` per line so a crash loses at most the line being written. */
export class JournalWriter {
  /** Documents started by this writer without a result yet. */
  private readonly open = new Set<string>();

  constructor(
    readonly path: string,
    readonly commit: string,
    readonly checksRun: readonly Check[],
  ) {
    mkdirSync(dirname(path), { recursive: true });
  }

  started(id: string): void {
    this.open.add(id);
    this.write({ kind: "started", id, commit: this.commit, at: new Date().toISOString() });
  }

  /** Marks every document started without a result as stopped (the sweep is being stopped on purpose). */
  stopped(): void {
    for (const id of this.open)
      this.write({ kind: "stopped", id, commit: this.commit, at: new Date().toISOString() });
    this.open.clear();
  }

  result(result: DocumentResult): void {
    this.open.delete(result.id);
    this.write({
      kind: "result",
      commit: this.commit,
      at: new Date().toISOString(),
      checksRun: this.checksRun,
      ...result,
    });
  }

  private write(line: JournalLine): void {
    appendFileSync(this.path, `${JSON.stringify(line)}\n`);
  }
}

/**
 * The commit the sweep's code is at (`abc1234`, `abc1234+dirty` when files under packages/ differ
 * from it): what each journal line says it was produced with.
 */
export function codeCommit(root: string): string {
  try {
    const head = execFileSync("git", ["rev-parse", "--short=10", "HEAD"], {
      cwd: root,
      encoding: "utf8",
    }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no", "--", "packages"], {
      cwd: root,
      encoding: "utf8",
    }).trim();
    return dirty ? `${head}+dirty` : head;
  } catch {
    return "unknown";
  }
}

/**
 * The sweep a journal describes, restricted to the selected documents (in their order): what
 * `--report` renders, with how many of the selection have a result and with which commits.
 */
export function sweepFromJournals(
  journals: readonly string[],
  selection: readonly CorpusDocument[],
  options: { seed: number; only?: string; sample?: number },
): SweepResult {
  const { results } = readJournals(journals);
  const documents = selection.flatMap((d) => {
    const record = results.get(d.id);
    if (!record) return [];
    const { kind: _kind, commit: _commit, at: _at, checksRun: _checksRun, ...result } = record;
    return [result];
  });
  const commits: Record<string, number> = {};
  const run = new Set<Check>();
  for (const d of documents) {
    const record = results.get(d.id)!;
    commits[record.commit] = (commits[record.commit] ?? 0) + 1;
    for (const c of record.checksRun) run.add(c);
  }
  const documentMs = documents.reduce((a, d) => a + d.ms, 0);
  return {
    documents,
    wallMs: documentMs,
    mypy: run.has("mypy") ? "python3 -m mypy (per the journal)" : undefined,
    options: {
      ...(options.sample !== undefined ? { sample: options.sample } : {}),
      ...(options.only ? { only: options.only } : {}),
      seed: options.seed,
      jobs: 1,
      checks: CHECKS.filter((c) => run.has(c)),
    },
    progress: { selected: selection.length, journals, commits, documentMs },
  };
}
