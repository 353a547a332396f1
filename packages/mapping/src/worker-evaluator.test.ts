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
    const xs = Array.from({ length: 2_000_000 }, (_, i) => (i * 7919) % 2_000_003);
    const before = sandbox.terminated;
    const started = performance.now();
    // A sort of 2M numbers given as input: one call of a built-in with no check of the engine
    // inside (≈ 0.8 s on an idle box), begun at once — nothing is built by the expression first,
    // so it is the worker's termination that ends it, never the engine's own check (a range built
    // by the expression first left the engine a check before the sort, which fired instead on a
    // loaded box; a sort of the range as built finished inside the limit on a fast one).
    const timeoutMs = 200;
    const pending = failure(
      sandbox.evaluate("$count($sort(xs))", { xs }, { timeoutMs, maxSequenceLength: 10_000_000 }),
    );
    // The caller's loop is watched from here: copying the input to the worker above is the
    // caller's own synchronous work, not the evaluation's.
    let ticks = 0;
    let worstLag = 0;
    let last = performance.now();
    const poller = setInterval(() => {
      const now = performance.now();
      worstLag = Math.max(worstLag, now - last - 5);
      last = now;
      ticks++;
    }, 5);
    const error = await pending;
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
