import { createHash } from "node:crypto";
import {
  Annotation,
  canonicalJson,
  listOperations,
  type OpenApiDocument,
  TEST_CATEGORIES,
  type TestCategory,
  TestProfile,
} from "@synapseops/core";
import { createSchemaValidator } from "../schema/validator";
import { ReadinessConfigError } from "./errors";
import { detectProfile } from "./profile";
import type { BuildContext, CategoryCases } from "./suite/_context";
import { markUnsendable } from "./suite/_unsendable";
import { authCases } from "./suite/auth";
import { errorCases } from "./suite/error-bodies";
import { idempotencyCases } from "./suite/idempotency";
import { paginationCases } from "./suite/pagination";
import { rateLimitCases } from "./suite/rate-limit";
import { schemaCases } from "./suite/schema";
import { timeoutRetryCases } from "./suite/timeouts-retries";
import { validationCases } from "./suite/validation";
import { versioningCases } from "./suite/versioning";
import { webhookCases } from "./suite/webhooks";
import type { GoldenCase, GoldenSuite, GoldenSuiteOptions } from "./types";

const BUILDERS: Record<TestCategory, (context: BuildContext) => CategoryCases> = {
  schema: schemaCases,
  auth: authCases,
  validation: validationCases,
  idempotency: idempotencyCases,
  "rate-limit": rateLimitCases,
  pagination: paginationCases,
  errors: errorCases,
  webhooks: webhookCases,
  "timeouts-retries": timeoutRetryCases,
  versioning: versioningCases,
};

/**
 * Builds the golden contract suite of an OpenAPI document: cases in the ten categories
 * (`TEST_CATEGORIES` of core), each with real checks against whatever environment
 * {@link runSuite} points it at. Categories the profile marks `n/a` (and categories with no
 * applicable operation) get one `n/a` case carrying the reason. Large documents are sampled:
 * at most `maxCasesPerCategory` cases per category, spread evenly over the document, the rest
 * counted in `omitted`.
 *
 * @example
 * ```ts
 * const doc = await loadOpenApi("openapi.yaml");
 * const suite = buildGoldenSuite(doc, { annotations, maxCasesPerCategory: 10 });
 * const run = await runSuite(suite, { environment: { name: "mock", kind: "mock" } });
 * ```
 */
export function buildGoldenSuite(doc: OpenApiDocument, options: GoldenSuiteOptions = {}): GoldenSuite {
  const operations = listOperations(doc);
  const profile = options.profile
    ? parseOption(TestProfile, options.profile, "/profile")
    : detectProfile(doc, operations);
  const annotations = (options.annotations ?? []).map((annotation, index) =>
    parseOption(Annotation, annotation, `/annotations/${index}`),
  );
  const limits: GoldenSuite["limits"] = {
    maxCasesPerCategory: positive(options.maxCasesPerCategory ?? 6, "/maxCasesPerCategory"),
    rateLimitBurst: positive(options.rateLimitBurst ?? 30, "/rateLimitBurst"),
    maxRetryAfterSeconds: positive(options.maxRetryAfterSeconds ?? 5, "/maxRetryAfterSeconds"),
    maxPages: positive(options.maxPages ?? 10, "/maxPages"),
    retry: {
      attemptTimeoutMs: positive(options.retry?.attemptTimeoutMs ?? 2000, "/retry/attemptTimeoutMs"),
      maxAttempts: positive(options.retry?.maxAttempts ?? 3, "/retry/maxAttempts"),
      initialDelayMs: positive(options.retry?.initialDelayMs ?? 100, "/retry/initialDelayMs"),
    },
  };
  const context: BuildContext = { doc, operations, validator: createSchemaValidator(doc), profile, limits };
  const cases: GoldenCase[] = [];
  const omitted: GoldenSuite["omitted"] = {};
  // A detected profile only requires what the suite can test (issue 19): a required category
  // that gets no runnable case is demoted to n/a with the builder's reason, so a conforming
  // server can be READY. A profile the caller passes is kept as given.
  const detected = options.profile === undefined;
  const categories = { ...profile.categories };
  for (const category of TEST_CATEGORIES) {
    const decision = profile.categories[category];
    if (decision.requirement === "n/a") {
      cases.push({
        id: `${category}:n/a`,
        category,
        name: `${category} does not apply`,
        notApplicable: decision.reason,
      });
      continue;
    }
    const built = BUILDERS[category](context);
    built.cases = markUnsendable(built.cases, operations);
    if (detected && decision.requirement === "required" && built.cases.every((c) => c.notApplicable)) {
      const reasons = [...new Set(built.cases.map((c) => c.notApplicable))];
      const why = reasons.length > 0 ? reasons.join("; ") : (built.none ?? "no applicable operation");
      categories[category] = { requirement: "n/a", reason: `${decision.reason}, but ${why}` };
    }
    if (built.cases.length === 0)
      cases.push({
        id: `${category}:n/a`,
        category,
        name: `${category} has nothing to test`,
        notApplicable: built.none ?? "no applicable operation",
      });
    cases.push(...built.cases);
    if (built.omitted > 0) omitted[category] = built.omitted;
  }
  return {
    document: doc,
    spec: {
      title: doc.info.title,
      version: doc.info.version,
      sha256: createHash("sha256").update(canonicalJson(doc)).digest("hex"),
    },
    profile: { ...profile, categories },
    annotations,
    cases: uniqueIds(cases),
    omitted,
    limits,
  };
}

function parseOption<T>(
  schema: {
    safeParse(
      value: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  value: unknown,
  path: string,
): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = `${path}${issue?.path.map((p) => `/${String(p)}`).join("") ?? ""}`;
  throw new ReadinessConfigError(`buildGoldenSuite ${where}: ${issue?.message ?? "invalid"}`, {
    path: where,
  });
}

function positive(value: number, path: string): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new ReadinessConfigError(`buildGoldenSuite ${path}: must be a positive number, got ${value}`, {
      path,
    });
  return value;
}

/** Ids stay unique when two operations collide after sanitising (a suffix `#2`, `#3`…). */
function uniqueIds(cases: GoldenCase[]): GoldenCase[] {
  const seen = new Map<string, number>();
  return cases.map((goldenCase) => {
    const count = (seen.get(goldenCase.id) ?? 0) + 1;
    seen.set(goldenCase.id, count);
    return count === 1 ? goldenCase : { ...goldenCase, id: `${goldenCase.id}#${count}` };
  });
}
