import { join } from "node:path";
import {
  listOperations,
  loadOpenApiSync,
  type OpenApiDocument,
  type OperationDescriptor,
} from "@synapseops/core";
import { generateContractTests, generatePostman, generateSdkPython, generateSdkTs } from "../../src/index";
import { firstLine, slug, spreadOperations, writeFiles } from "./_util";
import { CrossOriginLedger } from "./cross-origin";
import type { FiveXx } from "./documented-5xx";
import { newmanAgainstMock } from "./newman-check";
import { readinessAgainstMock } from "./readiness-check";
import type { Check, CorpusDocument, DocumentResult, SweepOptions } from "./types";

/** What one document's checks need beside the document. */
export interface DocumentSweepOptions
  extends Required<Pick<SweepOptions, "newmanOperations" | "scratch" | "checkTimeoutMs">> {
  enabled: ReadonlySet<Check>;
  /** How to run mypy (the run batches it); undefined when it is not installed. */
  mypy: string[] | undefined;
}

/**
 * Every check of one document but tsc and mypy (batched over documents by the run): load, the
 * four generators, readiness and newman against the mock, mock 5xx and cross-origin counts.
 * Returns the folders of its TypeScript and Python SDKs for the tsc and mypy batches.
 */
export async function sweepDocument(
  doc: CorpusDocument,
  options: DocumentSweepOptions,
): Promise<{ result: DocumentResult; tsDir?: string; pyDir?: string }> {
  const started = performance.now();
  const result: DocumentResult = {
    id: doc.id,
    version: doc.version,
    size: doc.size,
    operations: 0,
    valid: await swaggerParserValid(doc.file),
    checks: {},
    mock5xx: 0,
    crossOriginCredentials: 0,
    ms: 0,
  };
  const dir = join(options.scratch, slug(doc.id));
  const check = async (name: Check, body: () => Promise<void> | void): Promise<boolean> => {
    if (!options.enabled.has(name)) {
      result.checks[name] = { status: "skip", reason: "not in checks" };
      return false;
    }
    try {
      await body();
      result.checks[name] ??= { status: "pass" };
      return result.checks[name]?.status === "pass";
    } catch (error) {
      count5xx(result, error as Partial<FiveXx & { documentErrors: string[] }>);
      result.checks[name] = { status: "fail", error: firstLine(error) };
      return false;
    }
  };
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
  const loaded = document;
  const context = { document: loaded, operations, inputHash: doc.id };
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
  // mypy runs over many documents at once (see run.ts); here only why it will not run.
  let pyDir: string | undefined;
  if (!options.enabled.has("mypy")) result.checks.mypy = { status: "skip", reason: "not in checks" };
  else if (!pyOk) result.checks.mypy = { status: "fail", error: "sdk-python failed" };
  else if (!options.mypy)
    result.checks.mypy = { status: "skip", reason: "mypy is not installed (apt-get install python3-mypy)" };
  else pyDir = join(dir, "sdk-python");
  const ledger = new CrossOriginLedger();
  await check("readiness", async () => {
    const run = readinessAgainstMock(loaded, ledger);
    count5xx(result, await within(options.checkTimeoutMs, "readiness", run));
  });
  await check("newman", async () => {
    if (collection === undefined) throw new Error("postman failed");
    const run = newmanAgainstMock(loaded, collection, ledger);
    count5xx(result, await within(options.checkTimeoutMs, "newman", run));
  });
  result.crossOriginCredentials = ledger.count;
  const requested = options.enabled.has("readiness") || options.enabled.has("newman");
  result.checks["mock-5xx"] = !requested
    ? { status: "skip", reason: "no request made" }
    : result.mock5xx === 0
      ? { status: "pass" }
      : { status: "fail", error: `${result.mock5xx} mock answers were 5xx` };
  result.checks["cross-origin"] = !requested
    ? { status: "skip", reason: "no request made" }
    : ledger.count === 0
      ? { status: "pass" }
      : { status: "fail", error: `${ledger.count} requests carried a credential to another origin` };
  result.ms = Math.round(performance.now() - started);
  return { result, ...(tsDir ? { tsDir } : {}), ...(pyDir ? { pyDir } : {}) };
}

/**
 * Adds a check's 5xx answers to the document's (the mock's own, and those the document declares)
 * and the cases it counted as the document's own errors.
 */
function count5xx(result: DocumentResult, fiveXx: Partial<FiveXx & { documentErrors: string[] }>): void {
  result.mock5xx += fiveXx.mock5xx ?? 0;
  if (fiveXx.documented5xx) result.documented5xx = (result.documented5xx ?? 0) + fiveXx.documented5xx;
  if (fiveXx.documentErrors?.length)
    result.documentErrors = [...(result.documentErrors ?? []), ...fiveXx.documentErrors];
}

/**
 * A check's promise, or a failure once `ms` passed: one document must not stall a sweep of
 * thousands (the abandoned run finishes in the background and closes its mock itself).
 */
async function within<T>(ms: number, name: string, run: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} timed out after ${Math.round(ms / 1000)} s`)), ms);
  });
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
    run.catch(() => undefined);
  }
}

/** Whether swagger-parser validates the document (the denominator of the goal). */
async function swaggerParserValid(file: string): Promise<boolean> {
  try {
    const SwaggerParser = (await import("@apidevtools/swagger-parser")).default;
    await SwaggerParser.validate(file);
    return true;
  } catch {
    return false;
  }
}
