import { randomBytes } from "node:crypto";
import { aesGcmPayloadCodec, type RuntimeOptions, type Store, staticKeyProvider } from "@synapseops/core";
import { checkTestService } from "@synapseops/core/testing";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { approvedPayments, paymentsBody } from "./_executor-fixtures";
import { storeFactories } from "./_stores";

// issue 16: approval waits were matched on the stored (redacted) record key and resumed with the
// redacted value, so a record keyed by an email or a 32-hex id could never be signalled, and an
// approved record reached the target with `[REDACTED:card]` in it.

const stores = await storeFactories();
afterAll(async () => {
  for (const store of stores) await store.cleanup();
});

const EMAIL_A = "ada.lovelace@example.com";
const EMAIL_B = "grace.hopper@example.com";
const HEX_ID = "9f86d081884c7d659a2feaa0c55ad015";
const CARD = "4111 1111 1111 1111";

const withApproval = (source: string, target: string) =>
  paymentsBody(source, target, {
    mappings: [{ id: "m", expression: '{ "ref": id, "card": card, "cents": $round(amount * 100) }' }],
    steps: [
      { id: "map", kind: "map", mapping: "m" },
      { id: "review", kind: "approval" },
      { id: "send", kind: "send", connector: target },
    ],
  });

const records = [
  { id: EMAIL_A, card: CARD, amount: 1 },
  { id: HEX_ID, card: CARD, amount: 2 },
  { id: EMAIL_B, card: CARD, amount: 3 },
];

async function waitingRun(store: Store, runtime: Partial<RuntimeOptions> = {}) {
  const fixture = await approvedPayments(store, {
    body: withApproval,
    runtime: { redaction: { detectors: { email: true } }, ...runtime },
  });
  const run = await fixture.runtime.runs.start(fixture.blueprintId, { records });
  const waiting = await fixture.runtime.runs.wait(run.id, { untilWaiting: true, timeoutMs: 10_000 });
  expect(waiting.counts.waiting).toBe(3);
  return { ...fixture, runId: run.id };
}

describe.each(stores)("approval waits keyed by redacted identifiers on the $name store", ({ make, skip }) => {
  it.skipIf(Boolean(skip))(
    "signals records keyed by an email and a 32-hex id by their own keys",
    async () => {
      const store = await make();
      const { runtime, runId, target } = await waitingRun(store);
      try {
        const requested = (await runtime.runs.events(runId, { limit: 500 })).items.filter(
          (e) => e.type === "approval.requested",
        );
        // What operators see stays redacted, and the wait's payload is never shown.
        expect(requested.map((e) => e.recordKey).sort()).toEqual([
          "[REDACTED:email]",
          "[REDACTED:email]",
          "[REDACTED:token]",
        ]);
        const shown = JSON.stringify(requested);
        for (const secret of [EMAIL_A, EMAIL_B, HEX_ID, "4111"]) expect(shown).not.toContain(secret);
        expect(shown).not.toContain("$payload");

        await runtime.runs.signal(runId, { step: "review", recordKey: EMAIL_B, approved: false, by: "lead" });
        // Deciding one email does not decide the other one hidden behind the same marker.
        await runtime.runs.signal(runId, { step: "review", recordKey: HEX_ID, approved: true, by: "lead" });
        const done = await runtime.runs.signal(runId, {
          step: "review",
          recordKey: EMAIL_A,
          approved: true,
          by: "lead",
        });
        expect(done).toMatchObject({
          status: "SUCCEEDED",
          counts: { completed: 2, rejected: 1, waiting: 0 },
        });
        // The target gets the records as they were, not as the events show them.
        expect(target.effects).toEqual([
          { ref: HEX_ID, card: CARD, cents: 200 },
          { ref: EMAIL_A, card: CARD, cents: 100 },
        ]);
        await expect(
          runtime.runs.signal(runId, { step: "review", recordKey: EMAIL_A, approved: true, by: "lead" }),
        ).rejects.toMatchObject({ code: "APPROVAL_NOT_PENDING" });
        // The keys were completed under their exact values.
        expect((await store.getIdempotencyRecord(done.blueprintId, EMAIL_A))?.state).toBe("COMPLETED");
        expect((await store.getIdempotencyRecord(done.blueprintId, HEX_ID))?.state).toBe("COMPLETED");
        expect((await store.getIdempotencyRecord(done.blueprintId, EMAIL_B))?.result).toMatchObject({
          outcome: "rejected",
        });
      } finally {
        await runtime.close();
        await store.close();
      }
    },
  );

  it.skipIf(Boolean(skip))(
    "another runtime on the store resumes the wait; retention purges its payload",
    async () => {
      const store = await make();
      const keys = staticKeyProvider([{ id: "k1", key: randomBytes(32) }]);
      const payloadCodec = aesGcmPayloadCodec({ keys });
      // Both runtimes share the store; the second never saw the run (a restart, another host).
      const first = await waitingRun(store, { payloadCodec });
      const second = await approvedPayments(store, {
        body: withApproval,
        runtime: { redaction: { detectors: { email: true } }, payloadCodec },
      });
      try {
        for (const recordKey of [EMAIL_A, HEX_ID, EMAIL_B])
          await second.runtime.runs.signal(first.runId, {
            step: "review",
            recordKey,
            approved: true,
            by: "lead",
          });
        const done = await second.runtime.runs.get(first.runId);
        expect(done).toMatchObject({ status: "SUCCEEDED", counts: { completed: 3 } });
        expect(second.target.effects).toEqual(
          records.map((r) => ({ ref: r.id, card: CARD, cents: Math.round(r.amount * 100) })),
        );
        const purge = await second.runtime.purgeRunPayloads({ olderThan: new Date(Date.now() + 60_000) });
        expect(purge.runEvents).toBe(3);
        expect(
          (await second.runtime.purgeRunPayloads({ olderThan: new Date(Date.now() + 60_000) })).runEvents,
        ).toBe(0);
      } finally {
        await first.runtime.close();
        await second.runtime.close();
      }
    },
  );
});

// With the codec on, an approval wait's record is ciphertext in the database.
const postgres = await checkTestService("postgres");
describe.skipIf(Boolean(postgres.skip))("approval waits at rest in PostgreSQL", () => {
  it("keeps no email, hex id or card of a waiting record in run_events", async () => {
    const factory = stores.find((s) => s.name === "postgres")!;
    const store = await factory.make();
    const payloadCodec = aesGcmPayloadCodec({
      keys: staticKeyProvider([{ id: "k1", key: randomBytes(32) }]),
    });
    const { runtime, runId } = await waitingRun(store, { payloadCodec });
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    try {
      await runtime.close();
      const { rows } = await client.query<{ schema: string }>(
        `SELECT table_schema AS schema FROM information_schema.tables
          WHERE table_name = 'run_events' AND table_schema LIKE 'synapseops_rt_%'`,
      );
      let dump = "";
      for (const { schema } of rows) {
        const found = await client.query<{ doc: string }>(
          `SELECT doc::text AS doc FROM "${schema}".run_events WHERE run_id = $1`,
          [runId],
        );
        dump += found.rows.map((r) => r.doc).join("\n");
      }
      expect(dump).toContain("approval.requested");
      for (const secret of [EMAIL_A, EMAIL_B, HEX_ID, "4111 1111"]) expect(dump).not.toContain(secret);
    } finally {
      await client.end();
      await store.close();
    }
  });
});
