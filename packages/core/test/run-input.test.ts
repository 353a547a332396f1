import { type IngestEvent, type Store, ValidationError } from "@synapseops/core";
import { afterAll, describe, expect, it } from "vitest";
import { approvedPayments } from "./_executor-fixtures";
import { storeFactories } from "./_stores";

const stores = await storeFactories({ bullmq: true });
afterAll(async () => {
  for (const store of stores) await store.cleanup();
});

async function refusal(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

async function* nothing(): AsyncIterable<unknown> {}

// issue 18: a run of no records succeeded at once, so a webhook body passed as the ingest event
// was answered 200 and lost. Every way of asking for an empty run is refused, and no run is made.
describe.each(stores)("runs refuse input with no records ($name store)", ({ make, skip }) => {
  it.skipIf(Boolean(skip))(
    "start, ingest: typed ValidationError with a pointer, no run created",
    async () => {
      const store: Store = await make();
      try {
        const { runtime, blueprintId, target } = await approvedPayments(store);
        const cases: Array<[string, () => Promise<unknown>, string]> = [
          ["start()", () => runtime.runs.start(blueprintId), "/records"],
          ["start({ records: [] })", () => runtime.runs.start(blueprintId, { records: [] }), "/records"],
          [
            "start(empty iterable)",
            () => runtime.runs.start(blueprintId, { records: nothing() }),
            "/records",
          ],
          ["ingest({ records: [] })", () => runtime.ingest(blueprintId, { records: [] }), "/records"],
          // What docs/connectors.md used to show: the webhook body itself as the event.
          [
            "ingest(body)",
            () => runtime.ingest(blueprintId, { id: "evt_1", amount: 3 } as unknown as IngestEvent),
            "/record",
          ],
          ["ingest({})", () => runtime.ingest(blueprintId, {} as IngestEvent), "/record"],
          [
            "ingest({ record: undefined })",
            () => runtime.ingest(blueprintId, { record: undefined }),
            "/record",
          ],
          [
            "ingest({ record, records })",
            () => runtime.ingest(blueprintId, { record: { id: "p" }, records: [{ id: "q" }] } as never),
            "/records",
          ],
          [
            "ingest({ records: {} })",
            () => runtime.ingest(blueprintId, { records: {} } as unknown as IngestEvent),
            "/records",
          ],
        ];
        const paths: Array<[string, string | undefined]> = [];
        for (const [name, call] of cases) {
          const error = await refusal(call());
          expect(error.code).toBe("INVALID_INPUT");
          paths.push([name, error.path]);
        }
        expect(paths).toEqual(cases.map(([name, , path]) => [name, path]));
        expect((await runtime.runs.list()).items).toHaveLength(0);

        // The accepted shapes still run.
        const one = await runtime.ingest(blueprintId, { record: { id: "p1", amount: 2 } });
        expect((await runtime.runs.wait(one.id, { timeoutMs: 10_000 })).counts.total).toBe(1);
        expect(target.effects).toHaveLength(1);
      } finally {
        await store.close();
      }
    },
  );
});
