import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

/** The text the example printed under `== title` (up to the next section). */
const section = (stdout: string, title: string): string => {
  const start = stdout.indexOf(`\n== ${title}\n`);
  if (start < 0) throw new Error(`the example printed no "${title}" section`);
  const body = stdout.slice(start + title.length + 5);
  const end = body.indexOf("\n== ");
  return end < 0 ? body : body.slice(0, end);
};
const json = <T>(stdout: string, title: string): T => JSON.parse(section(stdout, title)) as T;

describe("api-integration example", () => {
  let stdout = "";
  beforeAll(async () => {
    ({ stdout } = await promisify(execFile)(
      process.execPath,
      ["--conditions=@synapseops/source", "--import", "tsx", "src/main.ts"],
      { cwd: root, timeout: 60_000 },
    ));
  }, 60_000);

  it("designs the blueprint: refused approval with a path, clean report, approval, three revisions", () => {
    expect(json(stdout, "approval refused")).toMatchObject({
      code: "BLUEPRINT_INVALID",
      path: "/mappings/0/samples/0",
    });
    expect(json(stdout, "validation report")).toMatchObject({ ok: true, issues: [] });
    expect(json(stdout, "approved")).toMatchObject({ status: "APPROVED", approvedRevision: 3 });
    expect(section(stdout, "revisions").match(/^r\d {2}sha256:[0-9a-f]{64}/gm)).toHaveLength(3);
    expect(json(stdout, "diff r2 → r3")).toEqual([
      { op: "replace", path: "/mappings/0/samples/0/output/customerName", value: "Ada Lovelace" },
    ]);
    expect(json(stdout, "ERP connection test (OAuth2 token, then GET /api/ping)")).toMatchObject({
      ok: true,
    });
  });

  it("verifies Shopify signatures: a forged delivery is refused, a retried webhook id is a duplicate", () => {
    const rows = section(stdout, "webhook deliveries").trim().split("\n").slice(1);
    expect(rows).toHaveLength(6);
    expect(rows.filter((row) => /200 accepted\s+run_/.test(row))).toHaveLength(4);
    expect(rows[3]).toMatch(/wh-1 .* 200 duplicate\s+-$/);
    expect(rows[5]).toMatch(/wh-6 .*forged signature\s+401 bad_signature\s+-$/);
  });

  it("runs each accepted delivery: paid orders completed, the pending one filtered, the resent order a duplicate", () => {
    const runs = section(stdout, "runs").trim().split("\n").slice(1);
    expect(runs.map((row) => row.split(/\s+/).slice(1))).toEqual([
      ["webhook", "SUCCEEDED", "completed"],
      ["webhook", "SUCCEEDED", "completed"],
      ["webhook", "SUCCEEDED", "filtered"],
      ["webhook", "SUCCEEDED", "duplicates"],
    ]);
    expect(json(stdout, "run")).toMatchObject({
      status: "SUCCEEDED",
      trigger: { kind: "webhook" },
      counts: { total: 1, completed: 1 },
    });
    const metrics = json<{ recordsIn: number; recordsOut: number; steps: Record<string, { calls: number }> }>(
      stdout,
      "run metrics",
    );
    expect(metrics).toMatchObject({ recordsIn: 1, recordsOut: 1, errorRate: 0, deadLetters: 0 });
    expect(Object.keys(metrics.steps)).toEqual(["map", "paid-only", "send"]);
    expect(metrics.steps.send?.calls).toBe(1);
    expect(stdout).toMatch(/#\d+ info {2}record\.duplicate 450789469/);
    expect(stdout).toMatch(/run\.finished/);
  });

  it("explains the mapping of one record field by field", () => {
    const lines = section(stdout, "mapping explanation for order 450789470").trim().split("\n");
    expect(lines).toHaveLength(6);
    expect(lines).toContain('total        /rules/3  ← total_price: "42.50" → to_float → 42.5 ⇒ 42.5');
    expect(lines).toContain(
      'status       /rules/4  ← financial_status: "paid" → lookup(status) → "PAID" ⇒ "PAID"',
    );
  });

  it("the local ERP got exactly the paid orders, through OAuth2 bearer tokens, once each", () => {
    const orders = json<Array<{ externalId: string; createdBy: string; idempotencyKey: string }>>(
      stdout,
      "ERP sales orders",
    );
    expect(orders.map((order) => order.externalId)).toEqual(["450789469", "450789470"]);
    expect(orders.every((order) => order.createdBy === "shop-sync")).toBe(true);
    expect(orders.map((order) => order.idempotencyKey)).toEqual(["450789469", "450789470"]);
    expect(json(stdout, "ERP without a bearer token")).toEqual({
      status: 401,
      body: { error: "invalid_token" },
    });
    // One token for every call (the connection test fetched it, the runs reused it); the only
    // unauthorized call is the anonymous one above.
    expect(json(stdout, "ERP counters")).toEqual({
      tokenRequests: 1,
      apiRequests: 4,
      unauthorized: 1,
      salesOrders: 2,
    });
  });
});
