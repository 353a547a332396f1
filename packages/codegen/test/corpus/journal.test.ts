// Issue 19: the full-corpus sweep takes hours; its journal, shards and order make it resumable.
import { appendFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { JournalWriter, readJournals, sweepFromJournals } from "../../scripts/corpus/journal";
import { inShard, parseShard, stratifiedOrder } from "../../scripts/corpus/sampling";
import type { CorpusDocument, DocumentResult } from "../../scripts/corpus/types";

const doc = (id: string, version = "3.0", size: CorpusDocument["size"] = "small"): CorpusDocument => ({
  id,
  file: `/nowhere/${id}`,
  bytes: 1,
  version,
  size,
});

const result = (id: string, checks: DocumentResult["checks"]): DocumentResult => ({
  id,
  version: "3.0",
  size: "small",
  operations: 3,
  valid: true,
  checks,
  mock5xx: 0,
  crossOriginCredentials: 0,
  ms: 10,
});

describe("the sweep journal", () => {
  it("keeps every finished document, ignores a torn last line and counts unfinished starts", () => {
    const path = join(mkdtempSync(join(tmpdir(), "corpus-journal-")), "j.jsonl");
    const writer = new JournalWriter(path, "abc1234", ["load", "readiness"]);
    writer.started("a");
    writer.result(result("a", { load: { status: "pass" }, readiness: { status: "fail", error: "boom" } }));
    writer.started("b");
    writer.started("b");
    appendFileSync(path, '{"kind":"result","id":"c"');
    const { results, unfinished } = readJournals([path]);
    expect([...results.keys()]).toEqual(["a"]);
    expect(results.get("a")).toMatchObject({ commit: "abc1234", checks: { readiness: { error: "boom" } } });
    expect(unfinished.get("b")).toBe(2);
    expect(unfinished.has("a")).toBe(false);
  });

  it("cancels the starts of documents a deliberately stopped run left unfinished", () => {
    const path = join(mkdtempSync(join(tmpdir(), "corpus-journal-")), "j.jsonl");
    new JournalWriter(path, "abc1234", ["load"]).started("b");
    const writer = new JournalWriter(path, "abc1234", ["load"]);
    writer.started("a");
    writer.started("b");
    writer.result(result("a", { load: { status: "pass" } }));
    writer.stopped();
    const { results, unfinished } = readJournals([path]);
    expect([...results.keys()]).toEqual(["a"]);
    // "b" died once (the first writer) and was stopped once: one start still counts.
    expect(unfinished.get("b")).toBe(1);
    expect(readFileSync(path, "utf8").match(/"kind":"stopped"/g)).toHaveLength(1);
  });

  it("refuses a journal whose middle is unreadable (it would be half-read)", () => {
    const path = join(mkdtempSync(join(tmpdir(), "corpus-journal-")), "j.jsonl");
    appendFileSync(path, "not json\n");
    new JournalWriter(path, "abc1234", ["load"]).result(result("a", { load: { status: "pass" } }));
    expect(() => readJournals([path])).toThrow(/j\.jsonl:1: not a journal line/);
  });

  it("adds a later pass's checks (mypy) to an earlier one's without erasing them", () => {
    const dir = mkdtempSync(join(tmpdir(), "corpus-journal-"));
    new JournalWriter(join(dir, "full.jsonl"), "c1", ["load", "readiness"]).result({
      ...result("a", {
        load: { status: "pass" },
        readiness: { status: "pass" },
        mypy: { status: "skip", reason: "not in checks" },
        "mock-5xx": { status: "fail", error: "2 mock answers were 5xx" },
      }),
      mock5xx: 2,
    });
    new JournalWriter(join(dir, "mypy.jsonl"), "c2", ["load", "mypy"]).result(
      result("a", {
        load: { status: "pass" },
        readiness: { status: "skip", reason: "not in checks" },
        mypy: { status: "fail", error: "1 errors" },
        "mock-5xx": { status: "skip", reason: "no request made" },
      }),
    );
    const sweep = sweepFromJournals(
      [join(dir, "full.jsonl"), join(dir, "mypy.jsonl")],
      [doc("a"), doc("b")],
      { seed: 1 },
    );
    expect(sweep.documents).toHaveLength(1);
    expect(sweep.documents[0]!.checks).toEqual({
      load: { status: "pass" },
      readiness: { status: "pass" },
      mypy: { status: "fail", error: "1 errors" },
      "mock-5xx": { status: "fail", error: "2 mock answers were 5xx" },
    });
    // Both passes' time and code; the sweep's mock count stays.
    expect(sweep.documents[0]).toMatchObject({ mock5xx: 2, ms: 20 });
    expect(sweep.progress).toMatchObject({ selected: 2, commits: { "c1, c2": 1 } });
    expect(sweep.options.checks).toEqual(["load", "mypy", "readiness"]);
    expect(readFileSync(join(dir, "full.jsonl"), "utf8").split("\n").filter(Boolean)).toHaveLength(1);
  });

  it("lets a rerun of the same checks replace the earlier result", () => {
    const path = join(mkdtempSync(join(tmpdir(), "corpus-journal-")), "j.jsonl");
    const failed = { ...result("a", { readiness: { status: "fail", error: "boom" } }), mock5xx: 1 };
    new JournalWriter(path, "c1", ["load", "readiness"]).result(failed);
    new JournalWriter(path, "c2", ["load", "readiness"]).result(
      result("a", { readiness: { status: "pass" } }),
    );
    const record = readJournals([path]).results.get("a");
    expect(record).toMatchObject({
      commit: "c2",
      ms: 10,
      mock5xx: 0,
      checks: { readiness: { status: "pass" } },
    });
  });
});

describe("shards and the stratified order", () => {
  const corpus = [
    ...Array.from({ length: 90 }, (_, i) => doc(`s${i}`, "3.0", "small")),
    ...Array.from({ length: 9 }, (_, i) => doc(`m${i}`, "3.0", "medium")),
    doc("only-31", "3.1", "large"),
  ];

  it("splits the corpus into disjoint shards that cover it, the same on every call", () => {
    const shards = [1, 2, 3].map((i) => corpus.filter((d) => inShard(d.id, i, 3)).map((d) => d.id));
    expect(shards.flat().sort()).toEqual(corpus.map((d) => d.id).sort());
    expect(shards.every((s) => s.length > 0)).toBe(true);
    expect(corpus.filter((d) => inShard(d.id, 2, 3)).map((d) => d.id)).toEqual(shards[1]);
    expect(parseShard("2/3")).toEqual({ index: 2, count: 3 });
    expect(() => parseShard("4/3")).toThrow(/1 ≤ i ≤ n/);
  });

  it("orders every document once, each stratum early and in proportion in any prefix", () => {
    const ordered = stratifiedOrder(corpus, 7);
    expect(ordered.map((d) => d.id).sort()).toEqual(corpus.map((d) => d.id).sort());
    expect(
      ordered
        .slice(0, 3)
        .map((d) => d.size)
        .sort(),
    ).toEqual(["large", "medium", "small"]);
    const firstTwenty = ordered.slice(0, 20);
    const mediums = firstTwenty.filter((d) => d.size === "medium").length;
    expect(mediums).toBeGreaterThanOrEqual(1);
    expect(mediums).toBeLessThanOrEqual(3);
    expect(stratifiedOrder(corpus, 7)).toEqual(ordered);
    expect(stratifiedOrder(corpus, 8)).not.toEqual(ordered);
  });
});
