import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { checkTestService, connectorTestContext, testConnector } from "@synapseops/core/testing";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { CANONICAL_TABLE, logFile } from "../src/index";

const root = fileURLToPath(new URL("..", import.meta.url));
const postgres = await checkTestService("postgres");
const redis = await checkTestService("redis");
const expected = { github: 57, events: 85, market: 132 };

/** Runs the example; the environment can point it at engines that do not answer. */
async function runExample(env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--conditions=@synapseops/source", "--import", "tsx", "src/main.ts"],
    { cwd: root, timeout: 60_000, env: { ...process.env, ...env } },
  );
  return stdout;
}

/** The `rows by source:` line of a printed section. */
function printedRows(stdout: string, section: string): Record<string, number> {
  const block = stdout.slice(stdout.indexOf(`== ${section}`));
  const line = /rows by source: (.*)/.exec(block)?.[1] ?? "";
  return Object.fromEntries(
    [...line.matchAll(/(github|events|market)=(\d+)/g)].map((m) => [m[1], Number(m[2])]),
  );
}

describe.skipIf(Boolean(postgres.skip))("data-aggregation into PostgreSQL", () => {
  const pool = new pg.Pool({ connectionString: postgres.url, max: 1 });
  afterAll(() => pool.end());
  const rowsBySource = async (): Promise<Record<string, number>> => {
    const result = await pool.query<{ source: string; rows: number }>(
      `SELECT source, count(*)::int AS rows FROM ${CANONICAL_TABLE} GROUP BY source`,
    );
    return Object.fromEntries(result.rows.map((row) => [row.source, row.rows]));
  };

  it("rows per source equal the records at each source, and a second run adds none (upsert by key)", async () => {
    await pool.query(`DROP TABLE IF EXISTS ${CANONICAL_TABLE}`);
    const first = await runExample({ DATABASE_URL: postgres.url, REDIS_URL: redis.url });
    expect(first).toContain(`target  PostgreSQL table ${CANONICAL_TABLE}`);
    if (!redis.skip) expect(first).toMatch(/events {2}Redis stream "synapseops-example:data-aggregation:/);
    expect(printedRows(first, "volume")).toEqual(expected);
    expect(await rowsBySource()).toEqual(expected);
    const { rows: issue3 } = await pool.query(
      `SELECT amount, attributes->>'number' AS number FROM ${CANONICAL_TABLE} WHERE source = 'github' AND attributes->>'number' = '3'`,
    );
    expect(issue3).toEqual([{ amount: 3, number: "3" }]); // 2 comments + the one the example adds

    const second = await runExample({ DATABASE_URL: postgres.url, REDIS_URL: redis.url });
    expect(printedRows(second, "sources and target")).toEqual(expected);
    expect(await rowsBySource()).toEqual(expected);
    const { rows } = await pool.query(
      `SELECT count(*)::int AS rows, count(DISTINCT (source, source_id))::int AS keys FROM ${CANONICAL_TABLE}`,
    );
    expect(rows[0]).toEqual({ rows: 274, keys: 274 });
  }, 120_000);
});

describe("data-aggregation without Redis and PostgreSQL", () => {
  it("falls back to the log file and the memory connector, says so, and ingests every record once", async () => {
    const stdout = await runExample({
      REDIS_URL: "redis://127.0.0.1:1",
      DATABASE_URL: "postgres://postgres@127.0.0.1:1/test",
    });
    expect(stdout).toMatch(/events {2}log file .*app-events\.log, read line by line \(Redis unreachable/);
    expect(stdout).toContain("target  memory connector (PostgreSQL unreachable");
    expect(printedRows(stdout, "pass 1")).toEqual({ github: 57, events: 80, market: 120 });
    expect(printedRows(stdout, "volume")).toEqual(expected);
    // Pass 2 re-reads the two paged APIs: everything is a duplicate, nothing is written.
    const pass2 = stdout.slice(stdout.indexOf("== pass 2"), stdout.indexOf("== pass 3"));
    expect(pass2).toMatch(/github +57 +0 +57 +0/);
    expect(pass2).toMatch(/market +120 +0 +120 +0/);
    expect(pass2).toMatch(/events +0 +0 +0 +0/);
    expect(stdout).toMatch(/pass 3: .*\n.*\ngithub +57 +1 +56 +0/);
  }, 60_000);
});

const dir = await mkdtemp(join(tmpdir(), "log-file-test-"));
afterAll(() => rm(dir, { recursive: true, force: true }));
const contractLog = join(dir, "contract.log");
await writeFile(contractLog, Array.from({ length: 7 }, (_, n) => `${JSON.stringify({ n })}\n`).join(""));

testConnector({
  connector: logFile(),
  config: { path: contractLog, batchSize: 3 },
  invalidConfig: { value: { path: contractLog, batchSize: 0 }, path: "/batchSize" },
  failingConfig: { path: join(dir, "missing.log") },
});

describe("log-file connector", () => {
  it("reads line by line in batches and resumes after the cursor", async () => {
    const path = join(dir, "events.log");
    await writeFile(path, `${[1, 2, 3, 4, 5].map((n) => JSON.stringify({ n })).join("\n")}\n\n`);
    const connector = logFile();
    const config = connector.parseConfig({ path, batchSize: 2 });
    const batches = [];
    for await (const batch of connector.read!(config, connectorTestContext(), {})) batches.push(batch);
    expect(batches.map((b) => b.records.length)).toEqual([2, 2, 1]);
    expect(batches.map((b) => b.cursor)).toEqual([2, 4, 6]);
    const resumed = [];
    for await (const batch of connector.read!(config, connectorTestContext(), { cursor: 4 }))
      resumed.push(...batch.records);
    expect(resumed).toEqual([{ n: 5 }]);
  });

  it("names the file and line of a line that is not JSON", async () => {
    const path = join(dir, "broken.log");
    await writeFile(path, '{"n":1}\nnot json\n');
    const connector = logFile();
    const read = async () => {
      for await (const _ of connector.read!(connector.parseConfig({ path }), connectorTestContext(), {}));
    };
    await expect(read()).rejects.toMatchObject({
      retryable: false,
      message: expect.stringContaining("broken.log:2: not JSON"),
    });
  });
});
