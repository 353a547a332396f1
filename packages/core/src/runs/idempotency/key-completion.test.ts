import { describe, expect, it } from "vitest";
import { ConflictError } from "../../errors";
import type { IdempotencyOutcome, TransactionalIdempotency } from "../../store/types";
import { REDACTED, Redactor } from "../observe/redactor";
import type { RecordInFlight } from "../records/record-context";
import { transactionalCompletion } from "./key-completion";

/** A transactional store that records what it is asked; `fail` makes its completion throw. */
function fakeStore(answer: boolean, fail = false) {
  const completions: { client: unknown; outcome: IdempotencyOutcome }[] = [];
  const asked: unknown[] = [];
  const store: TransactionalIdempotency = {
    engine: "postgres",
    async sameDatabase(client) {
      asked.push(client);
      return answer;
    },
    async completeIdempotencyKeyWith(client, outcome) {
      if (fail) throw new ConflictError("lost the key");
      completions.push({ client, outcome });
    },
  };
  return { store, completions, asked };
}

const NOW = new Date("2026-12-07T18:00:00.000Z");

/** The parts of a record in flight that the completion hook reads. */
function recordOn(store: TransactionalIdempotency, owner: string, dryRun = false): RecordInFlight {
  return {
    ctx: {
      store: { transactionalIdempotency: store },
      run: { blueprintId: "bp-1", dryRun },
      clock: () => NOW,
      redactor: new Redactor(),
    },
    owner,
    completedByTarget: false,
  } as unknown as RecordInFlight;
}

describe("transactionalCompletion", () => {
  it("offers one sameDatabase per store, so a target's per-store cache holds", async () => {
    const a = fakeStore(true);
    const b = fakeStore(false);
    const first = transactionalCompletion(recordOn(a.store, "run-1/0"), "k0")!;
    const second = transactionalCompletion(recordOn(a.store, "run-1/1"), "k1")!;
    const other = transactionalCompletion(recordOn(b.store, "run-2/0"), "k0")!;
    expect(first.engine).toBe("postgres");
    expect(first.sameDatabase).toBe(second.sameDatabase);
    expect(other.sameDatabase).not.toBe(first.sameDatabase);
    await expect(first.sameDatabase("client-a")).resolves.toBe(true);
    await expect(other.sameDatabase("client-b")).resolves.toBe(false);
    expect(a.asked).toEqual(["client-a"]);
    expect(b.asked).toEqual(["client-b"]);
  });

  it("completes the record's own key with the redacted result and marks it done by the target", async () => {
    const { store, completions } = fakeStore(true);
    const record = recordOn(store, "run-1/7");
    const hook = transactionalCompletion(record, "key-7")!;
    await hook.completeWith("tx-client", { id: 7, password: "hunter2" });
    expect(record.completedByTarget).toBe(true);
    expect(completions).toEqual([
      {
        client: "tx-client",
        outcome: {
          scope: "bp-1",
          key: "key-7",
          owner: "run-1/7",
          now: NOW,
          result: { outcome: "completed", result: { id: 7, password: REDACTED } },
        },
      },
    ]);
    await transactionalCompletion(recordOn(store, "run-1/8"), "key-8")!.completeWith("tx-client");
    expect(completions[1]!.outcome.result).toEqual({ outcome: "completed" });
  });

  it("leaves the record to complete its key itself when the store refuses", async () => {
    const { store } = fakeStore(true, true);
    const record = recordOn(store, "run-1/3");
    await expect(transactionalCompletion(record, "key-3")!.completeWith("tx")).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(record.completedByTarget).toBe(false);
  });

  it("offers nothing in a dry run or without a transactional store", () => {
    expect(transactionalCompletion(recordOn(fakeStore(true).store, "r/0", true), "k")).toBeUndefined();
    expect(transactionalCompletion(recordOn(undefined as never, "r/0"), "k")).toBeUndefined();
  });
});
