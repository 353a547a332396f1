import { z } from "zod";
import { Id, Timestamp } from "./common";
import { MatchedAnnotation, RecordedRequest, RecordedResponse } from "./http-exchange";

/** The categories of a golden contract suite, in report order. */
export const TEST_CATEGORIES = [
  "schema",
  "auth",
  "validation",
  "idempotency",
  "rate-limit",
  "pagination",
  "errors",
  "webhooks",
  "timeouts-retries",
  "versioning",
] as const;

/** A category of a golden contract suite. */
export const TestCategory = z.enum(TEST_CATEGORIES);
/** A category of a golden contract suite. */
export type TestCategory = z.infer<typeof TestCategory>;

/** Whether a category must pass for an API to be ready. */
export const CategoryRequirement = z.enum(["required", "optional", "n/a"]);
/** Whether a category must pass for an API to be ready. */
export type CategoryRequirement = z.infer<typeof CategoryRequirement>;

/** Which categories apply to one API, each with the reason for the decision. */
export const TestProfile = z.object({
  categories: z.record(
    TestCategory,
    z.object({
      requirement: CategoryRequirement,
      /** Why: "no POST, PUT or PATCH operation", "declared by the vendor"… */
      reason: z.string().min(1),
    }),
  ),
});
/** Which categories apply to one API. */
export type TestProfile = z.infer<typeof TestProfile>;

/** The outcome of one case. */
export const TestCaseStatus = z.enum(["passed", "failed", "skipped", "n/a"]);
/** The outcome of one case. */
export type TestCaseStatus = z.infer<typeof TestCaseStatus>;

/** One request/response pair a case made (redacted). */
export const TestExchange = z.object({
  request: RecordedRequest,
  response: RecordedResponse.optional(),
  error: z.string().optional(),
  durationMs: z.number().min(0),
});
/** One request/response pair a case made (redacted). */
export type TestExchange = z.infer<typeof TestExchange>;

/** The result of one case of a golden suite. */
export const TestCaseResult = z.object({
  /** Stable across runs of the same suite: `schema:getOrder:200`. */
  id: z.string().min(1),
  category: TestCategory,
  name: z.string().min(1),
  /** The operation under test (`operationId` or `METHOD /path`), when there is one. */
  operation: z.string().optional(),
  status: TestCaseStatus,
  /** Why a case was skipped or is n/a. */
  reason: z.string().optional(),
  durationMs: z.number().min(0),
  /** The assertion that failed. */
  failure: z
    .object({
      message: z.string().min(1),
      /** Where in the exchange: `/response/body/items/0/id`. */
      pointer: z.string().optional(),
      expected: z.unknown().optional(),
      actual: z.unknown().optional(),
    })
    .optional(),
  /** The exchanges the case made, in order (artifacts for the report). */
  exchanges: z.array(TestExchange).default([]),
  /** Annotations whose conditions held for the case's requests. */
  annotations: z.array(MatchedAnnotation).default([]),
});
/** The result of one case of a golden suite. */
export type TestCaseResult = z.infer<typeof TestCaseResult>;

/** One golden-suite run against an environment. */
export const TestRun = z.object({
  id: Id,
  projectId: Id,
  /** The API document the suite was built from. */
  spec: z.object({
    title: z.string(),
    version: z.string(),
    /** sha256 of the canonical document, so runs of the same document group together. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  environment: z.string().min(1).max(63),
  baseUrl: z.string().optional(),
  profile: TestProfile,
  startedAt: Timestamp,
  finishedAt: Timestamp,
  results: z.array(TestCaseResult),
  summary: z.object({
    passed: z.int().min(0),
    failed: z.int().min(0),
    skipped: z.int().min(0),
    notApplicable: z.int().min(0),
  }),
});
/** One golden-suite run against an environment. */
export type TestRun = z.infer<typeof TestRun>;
