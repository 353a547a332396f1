import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkerEvaluator, MappingError, MappingErrorCode } from "./index";

// issue 16/17: untrusted expressions run in a worker thread with a hard deadline.
const sandbox = createWorkerEvaluator({ size: 2, graceMs: 50 });

beforeAll(async () => {
  await sandbox.warm();
}, 60_000);
afterAll(async () => {
  await sandbox.close();
});

async function failure(promise: Promise<unknown>): Promise<MappingError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(MappingError);
    return error as MappingError;
  }
  throw new Error("expected the evaluation to fail");
}

describe("createWorkerEvaluator", () => {
  it("evaluates in a worker with bindings", async () => {
    const value = await sandbox.evaluate(
      "$sum(items.price) * $rate",
      { items: [{ price: 2 }, { price: 3 }] },
      {
        bindings: { rate: 2 },
      },
    );
    expect(value).toBe(10);
  });

  it("keeps the engine's typed errors", async () => {
    const error = await failure(sandbox.evaluate("items[", {}));
    expect(error.code).toBe(MappingErrorCode.SYNTAX);
    expect(error.position).toBeTypeOf("number");
    const regex = await failure(sandbox.evaluate('$match("aa", /(a)\\1/)', {}));
    expect(regex.code).toBe(MappingErrorCode.REGEX_UNSUPPORTED);
  });

  it("terminates an evaluation the engine cannot interrupt, and keeps the caller's loop free", async () => {
    let ticks = 0;
    let worstLag = 0;
    let last = performance.now();
    const poller = setInterval(() => {
      const now = performance.now();
      worstLag = Math.max(worstLag, now - last - 5);
      last = now;
      ticks++;
    }, 5);
    const before = sandbox.terminated;
    const started = performance.now();
    // One synchronous sort of 6M numbers: no check of the engine runs inside it. The limit leaves
    // room for building the range first (tens of ms on a loaded box: with 20 ms the engine's own
    // check before the sort fired first); the sort alone outlasts the limit and its grace.
    const timeoutMs = 200;
    const error = await failure(
      sandbox.evaluate("$count($sort([1..6000000]))", {}, { timeoutMs, maxSequenceLength: 10_000_000 }),
    );
    const elapsed = performance.now() - started;
    clearInterval(poller);
    expect(error.code).toBe(MappingErrorCode.TIMEOUT);
    expect(error.message).toMatch(/terminated/);
    expect(sandbox.terminated).toBe(before + 1);
    expect(elapsed).toBeLessThan(timeoutMs + 50 + 100);
    expect(ticks).toBeGreaterThan(3);
    expect(worstLag).toBeLessThan(100);
    // The pool replaces the worker.
    expect(await sandbox.evaluate("1 + 1", {})).toBe(2);
  });

  it("ends a runaway recursion within its deadline", async () => {
    const started = performance.now();
    const error = await failure(
      sandbox.evaluate(
        "($fib := function($n){ $n < 2 ? $n : $fib($n-1) + $fib($n-2) }; $fib(40))",
        {},
        {
          timeoutMs: 200,
        },
      ),
    );
    expect([MappingErrorCode.TIMEOUT, MappingErrorCode.DEPTH]).toContain(error.code);
    expect(performance.now() - started).toBeLessThan(200 + 50 + 100);
  });

  it("explains a mapping in a worker", async () => {
    const explanation = await sandbox.explain(
      { rules: [{ target: "email", from: "mail" }] },
      { mail: "a@b.c" },
    );
    expect(explanation.output).toEqual({ email: "a@b.c" });
    expect(explanation.fields[0]?.target).toBe("email");
  });

  it("fails pending calls once closed", async () => {
    const closing = createWorkerEvaluator({ size: 1 });
    await closing.close();
    const error = await failure(closing.evaluate("1", {}));
    expect(error.code).toBe(MappingErrorCode.ABORTED);
  });
});
