import type { TestCategory, TestRun } from "@synapseops/core";
import { afterAll, describe, expect, it } from "vitest";
import { buildGoldenSuite, runSuite } from "../../src/index";
import { DEFECTS, type Defect, kennelDoc, startKennel, TOKEN, WEBHOOK_SECRET } from "./fixtures/kennel";

// Issue #10, Proof: each defect of a deliberately broken server is caught by exactly the
// category that should catch it (and a conforming server of the same API passes everything).

const EXPECTED: Record<Defect, TestCategory> = {
  "wrong-schema": "schema",
  "missing-429": "rate-limit",
  "non-idempotent-post": "idempotency",
  "broken-pagination": "pagination",
  "bad-signature-accepted": "webhooks",
};

const suite = buildGoldenSuite(kennelDoc(), { rateLimitBurst: 20, retry: { attemptTimeoutMs: 1000 } });

async function runAgainst(defects: readonly Defect[]): Promise<TestRun> {
  const server = await startKennel(defects);
  try {
    return await runSuite(suite, {
      environment: {
        name: "local",
        kind: "sandbox",
        baseUrl: server.url,
        variables: { webhookUrl: `${server.url.replace(/\/v1$/, "")}/hooks/{name}` },
        secrets: { bearerAuth: "kennel/token", webhookSecret: "kennel/webhook" },
      },
      secrets: (key) => ({ "kennel/token": TOKEN, "kennel/webhook": WEBHOOK_SECRET })[key],
      concurrency: 4,
    });
  } finally {
    await server.close();
  }
}

const failedCategories = (run: TestRun): TestCategory[] => [
  ...new Set(run.results.filter((r) => r.status === "failed").map((r) => r.category)),
];

const table: string[] = [];
afterAll(() => {
  console.log(
    [
      "defect → caught by",
      "| defect | expected | caught by | failing case (pointer) |",
      "|---|---|---|---|",
      ...table,
    ].join("\n"),
  );
});

describe("golden suite against a deliberately broken local server", () => {
  it("a conforming server of the same API passes every case (no false alarms)", async () => {
    const run = await runAgainst([]);
    const notPassed = run.results.filter((r) => r.status !== "passed" && r.status !== "n/a");
    expect(notPassed.map((r) => `${r.id}: ${r.status} ${r.failure?.message ?? r.reason ?? ""}`)).toEqual([]);
    // Every category has a case that ran: the conforming server exercises all ten.
    expect(new Set(run.results.filter((r) => r.status === "passed").map((r) => r.category)).size).toBe(10);
    table.push(`| (none) | — | ${failedCategories(run).join(", ") || "nothing"} | — |`);
  }, 60_000);

  it.each(DEFECTS)(
    "%s is caught by exactly its category",
    async (defect) => {
      const run = await runAgainst([defect]);
      const caught = failedCategories(run);
      const failing = run.results.filter((r) => r.status === "failed");
      table.push(
        `| ${defect} | ${EXPECTED[defect]} | ${caught.join(", ") || "NOT CAUGHT"} | ${failing.map((r) => `${r.id} (${r.failure?.pointer ?? "-"})`).join("; ")} |`,
      );
      expect(caught).toEqual([EXPECTED[defect]]);
      for (const result of failing) expect(result.failure?.pointer).toMatch(/^\/(response|request)/);
    },
    60_000,
  );
});
