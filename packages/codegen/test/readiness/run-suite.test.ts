import { memoryStore, type TestRun } from "@synapseops/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildGoldenSuite,
  CodegenConfigError,
  ReadinessConfigError,
  runSuite,
  toJUnitXml,
} from "../../src/index";
import { type KennelServer, kennelDoc, startKennel, TOKEN, WEBHOOK_SECRET } from "./fixtures/kennel";

/**
 * A strict check that a text is well-formed XML as we emit it: one prolog, one root, every tag
 * closed in order, attributes quoted, only the five predefined entities (or numeric ones).
 * Returns the element names in document order.
 */
function wellFormed(xml: string): string[] {
  const body = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, "");
  if (body === xml) throw new Error("no XML declaration");
  const stack: string[] = [];
  const names: string[] = [];
  let roots = 0;
  const token = /<(\/?)([A-Za-z][\w-]*)((?:\s+[\w-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  for (match = token.exec(body); match; match = token.exec(body)) {
    consumed = token.lastIndex;
    const [, closing, name, attributes, selfClosing, text] = match;
    const checkEntities = (value: string): void => {
      for (const entity of value.match(/&[^;]*;?/g) ?? [])
        if (!/^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);$/i.test(entity))
          throw new Error(`bad entity ${entity}`);
    };
    if (text !== undefined) {
      if (stack.length === 0 && text.trim() !== "") throw new Error("text outside the root");
      checkEntities(text);
      continue;
    }
    checkEntities(attributes ?? "");
    if (closing) {
      if (stack.pop() !== name) throw new Error(`</${name}> closes the wrong element`);
      continue;
    }
    if (stack.length === 0) roots++;
    names.push(name!);
    if (!selfClosing) stack.push(name!);
  }
  if (consumed !== body.length)
    throw new Error(`unparsable XML at ${consumed}: ${body.slice(consumed, consumed + 40)}`);
  if (stack.length > 0 || roots !== 1) throw new Error(`unclosed ${stack.join(",")} or ${roots} roots`);
  return names;
}

const attribute = (xml: string, element: string, name: string): number =>
  Number(new RegExp(`<${element}\\b[^>]*\\s${name}="(\\d+)"`).exec(xml)?.[1]);

describe("runSuite against a real local server", () => {
  let server: KennelServer;
  let run: TestRun;
  const store = memoryStore();
  const progress: number[] = [];
  const suite = buildGoldenSuite(kennelDoc(), {
    rateLimitBurst: 20,
    retry: { attemptTimeoutMs: 1000 },
    annotations: [
      {
        id: "ann-invalid-pet",
        target: "operation:createPet",
        condition: "response.status = 400",
        message: "A pet needs a name; status is available or adopted.",
        severity: "warning",
        link: "https://kennel.example/docs/pets",
      },
      {
        id: "ann-never",
        target: "operation:createPet",
        condition: "response.status = 599",
        message: "never shown",
      },
    ],
  });

  beforeAll(async () => {
    server = await startKennel(["wrong-schema"]);
    run = await runSuite(suite, {
      environment: {
        name: "kennel-sandbox",
        kind: "sandbox",
        baseUrl: server.url,
        variables: { webhookUrl: `${server.url.replace(/\/v1$/, "")}/hooks/{name}` },
        secrets: { bearerAuth: "token", webhookSecret: "webhook" },
      },
      secrets: { name: "test", get: async (key) => ({ token: TOKEN, webhook: WEBHOOK_SECRET })[key] },
      store,
      projectId: "prj_kennel",
      onProgress: ({ done }) => progress.push(done),
    });
  }, 60_000);
  afterAll(() => server.close());

  it("returns and stores a TestRun with per-case results and a summary that adds up", async () => {
    expect(run.environment).toBe("kennel-sandbox");
    expect(run.results).toHaveLength(suite.cases.length);
    const { passed, failed, skipped, notApplicable } = run.summary;
    expect(passed + failed + skipped + notApplicable).toBe(run.results.length);
    expect(failed).toBe(1);
    const stored = await store.listTestRuns({ projectId: "prj_kennel" });
    expect(stored.items.map((r) => r.id)).toEqual([run.id]);
    expect(progress).toEqual(Array.from({ length: suite.cases.length }, (_, i) => i + 1));
  });

  it("reports the failed assertion with a JSON pointer and the exchange that failed", () => {
    const failed = run.results.find((r) => r.status === "failed")!;
    expect(failed.id).toBe("schema:getPet");
    expect(failed.failure?.pointer).toBe("/response/body/id");
    expect(failed.exchanges.at(-1)?.response?.body).toMatchObject({ id: "pet-1" });
  });

  it("attaches the annotations whose conditions held for the case's requests", () => {
    const validation = run.results.find((r) => r.id === "validation:createPet")!;
    expect(validation.annotations.map((a) => a.id)).toEqual(["ann-invalid-pet"]);
    const created = run.results.find((r) => r.id === "schema:createPet")!;
    expect(created.annotations).toEqual([]);
    expect(run.results.flatMap((r) => r.annotations).some((a) => a.id === "ann-never")).toBe(false);
  });

  it("keeps no credential or signing secret in the results (redacted exchanges)", () => {
    const text = JSON.stringify(run);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(WEBHOOK_SECRET);
    const auth = run.results.find((r) => r.id === "auth:bearerAuth:valid")!;
    expect(auth.exchanges[0]?.request.headers.authorization).toMatch(/REDACTED/);
  });

  it("renders well-formed JUnit XML whose counts match the run", () => {
    const xml = toJUnitXml(run);
    const names = wellFormed(xml);
    expect(names.filter((n) => n === "testcase")).toHaveLength(run.results.length);
    expect(names.filter((n) => n === "failure")).toHaveLength(run.summary.failed);
    expect(names.filter((n) => n === "skipped")).toHaveLength(
      run.summary.skipped + run.summary.notApplicable,
    );
    expect(names.filter((n) => n === "testsuite")).toHaveLength(10);
    expect(attribute(xml, "testsuites", "tests")).toBe(run.results.length);
    expect(attribute(xml, "testsuites", "failures")).toBe(1);
    expect(xml).toContain('<failure message="GET /pets/{petId} 200: the body does not match');
    expect(xml).toContain("[warning] A pet needs a name; status is available or adopted.");
  });
});

describe("runSuite input and control", () => {
  const suite = buildGoldenSuite(kennelDoc(), { maxCasesPerCategory: 1 });

  it("refuses a bad environment with a coded error that says where", async () => {
    await expect(runSuite(suite, { environment: { name: "Sandbox!" } })).rejects.toMatchObject({
      name: "ReadinessConfigError",
      code: "INVALID_INPUT",
      path: "/environment/name",
    });
    await expect(runSuite(suite, { environment: { name: "uat", kind: "uat" } })).rejects.toBeInstanceOf(
      ReadinessConfigError,
    );
    await expect(
      runSuite(suite, {
        environment: { name: "uat", baseUrl: "http://127.0.0.1:1", secrets: { bearerAuth: "missing" } },
        secrets: () => undefined,
      }),
    ).rejects.toThrow(/secret "bearerAuth" of environment "uat" \(key "missing"\) did not resolve/);
    expect(() => buildGoldenSuite(kennelDoc(), { maxPages: 0 })).toThrow(
      /\/maxPages: must be a positive number/,
    );
  });

  it("an aborted run skips the cases it did not finish", async () => {
    const controller = new AbortController();
    controller.abort();
    const run = await runSuite(suite, {
      environment: { name: "mock", kind: "mock" },
      signal: controller.signal,
    });
    expect(run.results.filter((r) => r.status === "skipped").every((r) => r.reason === "aborted")).toBe(true);
    expect(run.summary.passed + run.summary.failed).toBe(0);
  });

  it("the mock environment serves the document itself: the kennel's suite passes against its mock", async () => {
    const run = await runSuite(buildGoldenSuite(kennelDoc(), { retry: { attemptTimeoutMs: 1000 } }), {
      environment: { name: "mock", kind: "mock" },
    });
    expect(run.results.filter((r) => r.status !== "passed" && r.status !== "n/a")).toEqual([]);
    expect(run.baseUrl).toBeUndefined();
  }, 30_000);
});

describe("runSuite: Idempotency-Key values", () => {
  // The kennel with a required Idempotency-Key whose example every sample request carries: a
  // case that reused it would meet an earlier case's body under the same key (the mock: 422).
  const doc = kennelDoc() as unknown as {
    paths: Record<string, Record<string, { parameters?: Record<string, unknown>[] }>>;
  };
  const createPet = doc.paths["/pets"]!.post!;
  createPet.parameters = [
    { name: "Idempotency-Key", in: "header", required: true, schema: { type: "string" }, example: "key-1" },
  ];

  it("every case but the idempotency case sends its own fresh key, so none meets another's", async () => {
    const suite = buildGoldenSuite(doc as never, { retry: { attemptTimeoutMs: 1000 } });
    const run = await runSuite(suite, { environment: { name: "mock", kind: "mock" } });
    expect(run.results.filter((r) => r.status === "failed")).toEqual([]);
    const keysOutsideReplay = run.results
      .filter((r) => r.category !== "idempotency")
      .flatMap((r) =>
        r.exchanges.map((e) => e.request.headers["idempotency-key"] ?? e.request.headers["Idempotency-Key"]),
      )
      .filter((key) => key !== undefined);
    expect(keysOutsideReplay.length).toBeGreaterThan(2);
    expect(new Set(keysOutsideReplay).size).toBe(keysOutsideReplay.length);
    expect(keysOutsideReplay).not.toContain("key-1");
    const replay = run.results.find((r) => r.id === "idempotency:createPet")!;
    expect(replay.status).toBe("passed");
    const replayKeys = replay.exchanges.map(
      (e) => e.request.headers["idempotency-key"] ?? e.request.headers["Idempotency-Key"],
    );
    expect(new Set(replayKeys).size).toBe(1);
  }, 30_000);
});

describe("runSuite: annotation conditions", () => {
  it("refuses a condition that is not JSONata with a coded error that says where (as validateExchange does)", async () => {
    const suite = buildGoldenSuite(kennelDoc(), {
      annotations: [
        { id: "ann-ok", target: "operation:createPet", message: "fine" },
        { id: "ann-bad", target: "operation:createPet", message: "broken", condition: "request.body.(" },
      ],
    });
    const error = await runSuite(suite, { environment: { name: "mock", kind: "mock" } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CodegenConfigError);
    expect(error).toMatchObject({ path: "/annotations/1/condition" });
  });
});
