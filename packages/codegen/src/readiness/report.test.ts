import { createHash } from "node:crypto";
import {
  canonicalJson,
  memoryStore,
  TEST_CATEGORIES,
  type TestCaseResult,
  type TestProfile,
  type TestRun,
  type Trace,
} from "@synapseops/core";
import { describe, expect, it } from "vitest";
import { ordersDoc, orderTrace } from "../../test/readiness-report/fixtures";
import { CodegenConfigError } from "../errors";
import { readinessReport } from "./report";
import { renderReadinessHtml } from "./report-html";
import { renderReadinessMarkdown } from "./report-markdown";

const doc = ordersDoc();
const sha256 = createHash("sha256").update(canonicalJson(doc)).digest("hex");

function profile(overrides: Partial<TestProfile["categories"]> = {}): TestProfile {
  const categories = Object.fromEntries(
    TEST_CATEGORIES.map((c) => [c, { requirement: "optional", reason: "not decided by the document" }]),
  ) as TestProfile["categories"];
  return { categories: { ...categories, ...overrides } };
}

function result(
  id: string,
  status: TestCaseResult["status"],
  extra: Partial<TestCaseResult> = {},
): TestCaseResult {
  const category = id.split(":")[0] as TestCaseResult["category"];
  return { id, category, name: id, status, durationMs: 3, exchanges: [], annotations: [], ...extra };
}

function testRun(id: string, startedAt: string, results: TestCaseResult[], environment = "sandbox"): TestRun {
  const count = (s: string) => results.filter((r) => r.status === s).length;
  return {
    id,
    projectId: "prj_1",
    spec: { title: "Orders", version: "1.0.0", sha256 },
    environment,
    baseUrl: "https://sandbox.example.com/v2",
    profile: profile({
      schema: { requirement: "required", reason: "every API" },
      auth: { requirement: "required", reason: "1 security scheme" },
      idempotency: { requirement: "n/a", reason: "no Idempotency-Key header declared" },
    }),
    startedAt,
    finishedAt: startedAt,
    results,
    summary: {
      passed: count("passed"),
      failed: count("failed"),
      skipped: count("skipped"),
      notApplicable: count("n/a"),
    },
  };
}

const receivedAt = "2026-11-20T12:00:00.000Z";
function trace(id: string, startedAt: string, status: number, extra: Partial<Trace> = {}): Trace {
  return {
    ...(orderTrace(id, { startedAt, status }) as unknown as Trace),
    operation: "createOrder",
    receivedAt,
    ...extra,
  };
}

describe("readinessReport", () => {
  it("reports categories of the latest run, n/a apart from failed, open failures with annotations, and the verdict", async () => {
    const store = memoryStore();
    // An older run that passed everything must not hide the newer failure.
    await store.insertTestRun(
      testRun("run_1", "2026-11-20T09:00:00.000Z", [
        result("schema:createOrder", "passed"),
        result("auth:key", "passed"),
      ]),
    );
    await store.insertTestRun(
      testRun("run_2", "2026-11-20T10:00:00.000Z", [
        result("schema:createOrder", "passed"),
        result("auth:key:missing", "failed", {
          operation: "createOrder",
          failure: { message: "expected 401 without credentials, got 200", pointer: "/response/status" },
          annotations: [
            {
              id: "a1",
              message: "Sandbox keys start with sk_test_",
              severity: "warning",
              link: "https://docs.example.com/keys",
            },
          ],
        }),
        result("idempotency:createOrder", "n/a", { reason: "no Idempotency-Key header declared" }),
        result("pagination:listOrders", "skipped", { reason: "no second page" }),
      ]),
    );
    // A run elsewhere does not count for the sandbox verdict.
    await store.insertTestRun(
      testRun("run_3", "2026-11-20T11:00:00.000Z", [result("schema:x", "passed")], "uat"),
    );
    const report = await readinessReport({
      store,
      projectId: "prj_1",
      environment: "sandbox",
      now: () => new Date(receivedAt),
    });
    expect(report.verdict).toBe("not-ready");
    expect(report.blockers).toEqual(['Orders 1.0.0: required category "auth" failed']);
    const [api] = report.apis;
    expect(api?.testRun?.id).toBe("run_2");
    const outcome = Object.fromEntries(api?.categories.map((c) => [c.category, c.outcome]) ?? []);
    expect(outcome).toMatchObject({
      schema: "passed",
      auth: "failed",
      idempotency: "n/a",
      pagination: "skipped",
      webhooks: "not-run",
    });
    expect(report.openFailures).toMatchObject([
      { caseId: "auth:key:missing", pointer: "/response/status", annotations: [{ id: "a1" }] },
    ]);

    const markdown = renderReadinessMarkdown(report);
    expect(markdown).toContain("**Verdict: NOT READY**");
    expect(markdown).toContain("| auth | required | **failed** | 0 | 1 | 0 |");
    // n/a categories are listed apart, with their reasons, never in the outcome table.
    expect(markdown).toContain("- idempotency: no Idempotency-Key header declared");
    expect(markdown).not.toMatch(/\| idempotency \|/);
    expect(markdown).toContain(
      "Sandbox keys start with sk\\_test\\_ ([more](https://docs.example.com/keys))",
    );
  });

  it("is ready when every required category passed, whatever the optional ones did", async () => {
    const store = memoryStore();
    await store.insertTestRun(
      testRun("run_1", "2026-11-20T09:00:00.000Z", [
        result("schema:createOrder", "passed"),
        result("auth:key", "passed"),
        result("versioning:createOrder", "failed", { failure: { message: "unknown field refused" } }),
      ]),
    );
    const report = await readinessReport({ store, projectId: "prj_1" });
    expect(report.environment).toBe("sandbox"); // the latest run's
    expect(report.verdict).toBe("ready");
    expect(report.openFailures.map((f) => f.caseId)).toEqual(["versioning:createOrder"]);
    // A document with no run in the environment blocks readiness.
    const other = ordersDoc();
    other.info.version = "2.0.0";
    const withDocs = await readinessReport({ store, projectId: "prj_1", documents: [doc, other] });
    expect(withDocs.verdict).toBe("not-ready");
    expect(withDocs.blockers).toEqual(['Orders 2.0.0: no test run in "sandbox"']);
    expect(withDocs.apis).toHaveLength(2);
  });

  it("measures time to first successful call and error rates over the last traces", async () => {
    const store = memoryStore();
    await store.insertTraces([
      trace("t1", "2026-11-20T10:00:00.000Z", 401),
      trace("t2", "2026-11-20T10:02:00.000Z", 201, {
        conformance: {
          ok: false,
          problems: [
            {
              pointer: "/response/body/status",
              code: "enum",
              message: "/response/body/status must be one of open, paid",
            },
          ],
        },
      }),
      trace("t3", "2026-11-20T10:05:30.000Z", 201, { conformance: { ok: true, problems: [] } }),
      trace("t4", "2026-11-20T10:06:00.000Z", 500),
      trace("t5", "2026-11-20T10:07:00.000Z", 200, { operation: "listOrders" }),
      trace("t6", "2026-11-20T10:08:00.000Z", 200, { operation: undefined }),
    ]);
    await store.insertTestRun(testRun("run_1", "2026-11-20T09:00:00.000Z", [result("schema:a", "passed")]));
    const report = await readinessReport({ store, projectId: "prj_1", lastTraces: 5 });
    expect(report.traces).toMatchObject({
      total: 6,
      firstCallAt: "2026-11-20T10:00:00.000Z",
      firstSuccessAt: "2026-11-20T10:05:30.000Z",
      timeToFirstSuccessMs: 330_000,
      callsBeforeFirstSuccess: 2,
      window: 5,
    });
    // The window drops t1: createOrder has t2 (non-conforming), t3, t4 (500).
    expect(report.traces.errorRates).toEqual([
      {
        operation: "createOrder",
        calls: 3,
        errors: 1,
        nonConforming: 1,
        errorRate: 1 / 3,
        topProblem: {
          pointer: "/response/body/status",
          code: "enum",
          message: "/response/body/status must be one of open, paid",
          count: 1,
        },
      },
      { operation: "(unmatched)", calls: 1, errors: 0, nonConforming: 0, errorRate: 0 },
      { operation: "listOrders", calls: 1, errors: 0, nonConforming: 0, errorRate: 0 },
    ]);
    const markdown = renderReadinessMarkdown(report);
    expect(markdown).toContain("Time to first successful call: 5 min 30 s (2 call(s) before it");
    expect(markdown).toContain(
      "| createOrder | 3 | 1 | 33.3% | 1 | /response/body/status must be one of open, paid (1×) |",
    );
  });

  it("renders self-contained HTML with every stored value escaped", async () => {
    const store = memoryStore();
    await store.insertTestRun({
      ...testRun("run_<1>", "2026-11-20T09:00:00.000Z", [
        result("auth:<script>alert(1)</script>", "failed", {
          failure: { message: 'got "<img src=x onerror=alert(1)>"' },
          annotations: [
            { id: "a", message: "see <b>docs</b>", severity: "info", link: "https://x.example/a?b=1&c=2" },
          ],
        }),
      ]),
      projectId: "prj_<x>",
    });
    const html = renderReadinessHtml(await readinessReport({ store, projectId: "prj_<x>" }));
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<img|<b>|src=["']?http/);
    expect(html).toContain("&#60;script&#62;alert(1)&#60;/script&#62;");
    expect(html).toContain('href="https://x.example/a?b=1&#38;c=2"');
    expect(html).toContain('class="verdict not-ready"');
  });

  it("asks for an environment when the project has no test run", async () => {
    await expect(readinessReport({ store: memoryStore(), projectId: "prj_none" })).rejects.toThrow(
      CodegenConfigError,
    );
    const named = await readinessReport({
      store: memoryStore(),
      projectId: "prj_none",
      environment: "sandbox",
    });
    expect(named).toMatchObject({ verdict: "not-ready", blockers: ['no API has a test run in "sandbox"'] });
  });
});

describe("readinessReport: the answer that explains a failure (issue 19.9)", () => {
  it("shows the request, status and a bounded excerpt of the last answer in the report, Markdown and HTML", async () => {
    const store = memoryStore();
    const detail = `sku is required; ${"x".repeat(400)}`;
    await store.insertTestRun(
      testRun("run_9", "2026-11-20T10:00:00.000Z", [
        result("schema:createOrder", "failed", {
          operation: "createOrder",
          failure: { message: "POST /orders answered 422", pointer: "/response/status" },
          exchanges: [
            {
              request: {
                method: "POST",
                url: "https://sandbox.example.com/v2/orders?key=[redacted]",
                headers: {},
              },
              response: { status: 422, headers: {}, body: { error: "invalid_order", detail } },
              durationMs: 4,
            },
          ],
        }),
      ]),
    );
    const report = await readinessReport({ store, projectId: "prj_1", environment: "sandbox" });
    const [failure] = report.openFailures;
    expect(failure?.response?.request).toBe("POST /v2/orders");
    expect(failure?.response?.status).toBe(422);
    expect(failure?.response?.excerpt).toMatch(/^\{"error":"invalid_order","detail":"sku is required; x+…$/);
    expect(failure?.response?.excerpt?.length).toBe(301);
    const markdown = renderReadinessMarkdown(report);
    expect(markdown).toContain(
      'answer: `POST /v2/orders` → 422 `{"error":"invalid_order","detail":"sku is required;',
    );
    expect(renderReadinessHtml(report)).toContain(
      "answer: <code>POST /v2/orders</code> → 422 <code>{&#34;error&#34;:&#34;invalid_order&#34;",
    );
  });
});
