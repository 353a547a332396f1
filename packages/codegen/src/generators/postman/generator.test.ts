import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Collection } from "postman-collection";
import { describe, expect, it } from "vitest";
import { loadSpec, sampleOperations, slug, specFiles, writeOut } from "../../_test/specs";
import { createMockServer } from "../../mock/server";
import { generatePostman, POSTMAN_SCHEMA_URL } from "./index";

interface NewmanSummary {
  run: {
    stats: { requests: { total: number; failed: number }; assertions: { total: number; failed: number } };
    failures: { error: { message: string }; source?: { name?: string } }[];
    executions: { item: { name: string }; response?: { code: number }; requestError?: { message: string } }[];
  };
}

/** Counts requests in a v2.1 collection, checking the structure the v2.1 schema requires on the way. */
function checkStructure(collection: { info: { schema: string; name: string }; item: unknown[] }): number {
  expect(collection.info.schema).toBe(POSTMAN_SCHEMA_URL);
  let requests = 0;
  const walk = (items: unknown[]): void => {
    for (const raw of items) {
      const item = raw as {
        name: string;
        item?: unknown[];
        request?: { method: string; url: { raw: string; host: string[]; path: string[] } };
        event?: { listen: string; script: { exec: string[] } }[];
      };
      expect(typeof item.name).toBe("string");
      if (item.item) walk(item.item);
      else {
        requests++;
        expect(item.request?.method).toMatch(/^[A-Z]+$/);
        expect(item.request?.url.raw.startsWith("{{baseUrl}}")).toBe(true);
        for (const event of item.event ?? []) expect(event.listen).toBe("test");
      }
    }
  };
  walk(collection.item);
  return requests;
}

/** Runs a collection with newman's programmatic API (no process start per document). */
async function newman(collectionFile: string, baseUrl: string): Promise<NewmanSummary> {
  const { run } = (await import(NEWMAN_MODULE)) as {
    run: (options: object, done: (error: Error | null, summary: NewmanSummary) => void) => void;
  };
  return new Promise((resolve, reject) => {
    run(
      {
        collection: JSON.parse(readFileSync(collectionFile, "utf8")),
        envVar: [{ key: "baseUrl", value: baseUrl }],
        reporters: [],
        // Generous: the mock compiles an operation's schemas on its first request (Stripe's Account is large).
        timeoutRequest: 30_000,
      },
      (error, summary) => (error ? reject(error) : resolve(summary)),
    );
  });
}

/** A variable specifier: newman has no type declarations, the summary shape is declared above. */
const NEWMAN_MODULE = "newman";
const newmanSpecs = specFiles();

describe("postman", () => {
  it.each(specFiles({ large: true }))("%s: a valid v2.1 collection, byte-identical across runs", (spec) => {
    const input = loadSpec(spec);
    const [file] = generatePostman(input);
    expect(generatePostman(input)[0]?.contents).toBe(file?.contents);
    const json = JSON.parse(String(file?.contents)) as {
      info: { schema: string; name: string };
      item: unknown[];
    };
    expect(checkStructure(json)).toBe(input.operations.length);
    // The official SDK loads it and sees every request.
    const collection = new Collection(json as ConstructorParameters<typeof Collection>[0]);
    let count = 0;
    collection.forEachItem(() => {
      count++;
    });
    expect(count).toBe(input.operations.length);
  });

  it("newman runs every collection against the document's mock: all requests answered, all tests pass", async () => {
    const results: string[] = [];
    const problems: string[] = [];
    for (const spec of [...newmanSpecs, "large/stripe.json" as const]) {
      const input = loadSpec(spec);
      // Stripe: a stable sample of 200 operations keeps the run short.
      const operations = sampleOperations(input.operations, spec === "large/stripe.json" ? 200 : 60);
      const dir = writeOut(`postman/${slug(spec)}`, generatePostman(input, { operations }));
      const mock = createMockServer(input.document);
      const { url, close } = await mock.listen();
      try {
        const summary = await newman(join(dir, "collection.json"), url);
        const stats = summary.run.stats;
        const failures = summary.run.failures.map((f) => `${f.source?.name}: ${f.error.message}`);
        results.push(
          `${spec}: ${stats.requests.total} requests, ${stats.assertions.total} assertions, ${failures.length} failures`,
        );
        problems.push(...failures.map((f) => `${spec} ${f}`));
        expect(stats.requests.total).toBe(operations.length);
        const unanswered = summary.run.executions.filter((e) => e.response === undefined);
        expect(
          unanswered.map((e) => `${e.item.name}: ${e.requestError?.message}`),
          spec,
        ).toEqual([]);
      } finally {
        await close();
      }
    }
    process.stdout.write(`${results.join("\n")}\n`);
    expect(problems).toEqual([]);
  }, 900_000);
});
