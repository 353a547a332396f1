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
const json = <T = Record<string, unknown>>(stdout: string, title: string): T =>
  JSON.parse(section(stdout, title)) as T;

interface KeyStats {
  requests: number;
  unavailable: number;
  replayed: number;
  booked: number;
}
/** What the finance system printed it counted. */
interface FinanceCounts {
  settlements: Array<{ paymentId: string; idempotencyKey: string; amount: number }>;
  byIdempotencyKey: Record<string, KeyStats>;
}

describe("payment-gateway example", () => {
  let stdout = "";
  beforeAll(async () => {
    ({ stdout } = await promisify(execFile)(
      process.execPath,
      ["--conditions=@synapseops/source", "--import", "tsx", "src/main.ts"],
      { cwd: root, timeout: 60_000 },
    ));
  }, 60_000);

  it("settles exactly once per payment, as counted by the finance system itself", () => {
    const finance = json<FinanceCounts>(stdout, "finance system");
    expect(finance.settlements.map((s) => s.paymentId).sort()).toEqual(["pi_1001", "pi_1002", "pi_1003"]);
    expect(finance.settlements.every((s) => s.idempotencyKey === s.paymentId)).toBe(true);
    for (const stats of Object.values(finance.byIdempotencyKey)) expect(stats.booked).toBe(1);
    expect(finance.settlements.find((s) => s.paymentId === "pi_1003")?.amount).toBe(25_000);
  });

  it("the same event delivered 5 times: one accepted, four acknowledged as duplicates, one ledger call", () => {
    const rows = section(stdout, "1. evt_1001 (pi_1001) delivered 5 times").trim().split("\n").slice(1);
    expect(rows.map((row) => row.split(/\s{2,}/).slice(1))).toEqual([
      ["evt_1001", "200 accepted"],
      ["evt_1001", "200 duplicate"],
      ["evt_1001", "200 duplicate"],
      ["evt_1001", "200 duplicate"],
      ["evt_1001", "200 duplicate"],
    ]);
    expect(json(stdout, "1. the same event again from the reconciliation job")).toMatchObject({
      status: "SUCCEEDED",
      counts: { completed: 0, duplicates: 1 },
      settlementsOfPi1001: 1,
    });
    expect(json<FinanceCounts>(stdout, "finance system").byIdempotencyKey.pi_1001).toEqual({
      requests: 1,
      unavailable: 0,
      replayed: 0,
      booked: 1,
    });
  });

  it("an outage: 3 retries with exponential backoff, then a dead letter", () => {
    expect(json(stdout, "2. finance system down: evt_1002 (pi_1002)")).toMatchObject({
      webhookAnswer: 200,
      status: "FAILED",
      counts: { completed: 0, deadLettered: 1 },
    });
    const retries = section(stdout, "2. retries (step.retry events)").trim().split("\n").slice(1);
    expect(retries.map((row) => row.split(/\s{2,}/))).toEqual([
      ["1", "503 Service Unavailable", "50 ms"],
      ["2", "503 Service Unavailable", "100 ms"],
      ["3", "503 Service Unavailable", "200 ms"],
    ]);
    expect(json(stdout, "2. dead letter")).toMatchObject({
      step: "settle",
      recordKey: "pi_1002",
      attempts: 4,
      error: { code: "CONNECTOR_FAILED", retryable: true },
    });
  });

  it("the replay of the dead letter settles it once the finance system is back", () => {
    const failedRun = json<{ run: string }>(stdout, "2. finance system down: evt_1002 (pi_1002)").run;
    expect(json(stdout, "3. finance system back: dead letter replayed")).toMatchObject({
      trigger: "replay",
      replayOf: failedRun,
      status: "SUCCEEDED",
      counts: { completed: 1 },
      settlementsOfPi1002: 1,
      deadLetter: "replayed",
    });
    // Every attempt and the replay carried the same Idempotency-Key; only the last one booked.
    expect(json<FinanceCounts>(stdout, "finance system").byIdempotencyKey.pi_1002).toEqual({
      requests: 5,
      unavailable: 4,
      replayed: 0,
      booked: 1,
    });
  });

  it("the approval gate holds the large settlement until it is signalled", () => {
    expect(json(stdout, "4. EUR 25,000.00 is over EUR 10,000.00: held")).toMatchObject({
      status: "RUNNING",
      waiting: 1,
      step: "large-settlement",
      recordKey: "pi_1003",
      settlementsOfPi1003: 0,
    });
    expect(json(stdout, "4. approved by the finance lead")).toMatchObject({
      settlementsOfPi1003BeforeSignal: 0,
      decision: { approved: true, by: "finance-lead@example.com" },
      status: "SUCCEEDED",
      counts: { completed: 1, waiting: 0 },
      settlementsOfPi1003: 1,
    });
  });

  it("prints a summary table: one settlement per payment", () => {
    const rows = section(stdout, "summary").trim().split("\n");
    expect(rows[0]).toMatch(/^payment\s+amount\s+deliveries\s+runs\s+ledger calls\s+settlements\s+how$/);
    expect(rows.slice(1).map((row) => row.split(/\s{2,}/).slice(0, 6))).toEqual([
      ["pi_1001", "EUR 120.00", "5", "2", "1", "1"],
      ["pi_1002", "EUR 80.00", "1", "2", "5", "1"],
      ["pi_1003", "EUR 25,000.00", "1", "1", "1", "1"],
    ]);
  });
});
