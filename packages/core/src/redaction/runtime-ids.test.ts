import { createHash, randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { IdPrefix, newId } from "../ids";
import { contentHash } from "../json";
import { keyOwner } from "../runs/idempotency/idempotency-key";
import { Redactor } from "../runs/observe/redactor";
import { createExchangeRedactor } from "./exchange-redactor";

// issue 16: the token detector hides bare 32+ hex digests and 40+ character base64 strings in
// event data, logs and traces. What the runtime itself writes and shows — ids, job ids, key
// owners, content hashes, webhook replay keys, cursors — must stay readable; real secrets must not.

const sha256Hex = (text: string): string => createHash("sha256").update(text).digest("hex");

/** Every shape of identifier or hash the runtime generates and shows to users. */
function runtimeIdentifiers(): string[] {
  const runId = newId("run");
  return [
    ...Object.values(IdPrefix).map((prefix) => newId(prefix)),
    // BullMQ job ids (bullmq-queue.ts) and idempotency key owners (record-keys.ts).
    `${runId}-12-3`,
    `${runId}-all-0`,
    keyOwner(runId, 4_000_000),
    // Content hashes of blueprints, revisions, audit entries and payloads (json.ts).
    contentHash({ order: "o-1", total: 12.5 }),
    // Webhook replay keys and delivery ids (connectors/webhook/receiver.ts).
    `body:${sha256Hex("{}")}`,
    `sid:${sha256Hex("evt_1")}`,
    `sha256:${sha256Hex("{}")}`,
    // A found case: 15 digits inside the hex pass Luhn and were taken for a card number.
    "trun_01a24e771a447628819547596f3458fb",
    // Owners of webhook claims. (Pagination cursors never pass through a redactor; opaque
    // base64 JSON in a text is hidden on purpose, since it may carry a credential.)
    randomUUID(),
  ];
}

/** Deterministic "random" bytes: the same secrets every run, so a miss is a real miss. */
const bytes = (seed: string, length: number): Buffer =>
  Buffer.concat([0, 1].map((n) => createHash("sha256").update(`${seed}/${n}`).digest())).subarray(0, length);

/** Secrets the token detector must keep hiding: random keys as hex, base64 and base64url. */
function realSecrets(round: number): string[] {
  return [
    bytes(`hex16-${round}`, 16).toString("hex"),
    bytes(`hex32-${round}`, 32).toString("hex"),
    bytes(`b64-${round}`, 32).toString("base64"),
    bytes(`b64url-${round}`, 32).toString("base64url"),
    `whsec_${bytes(`whsec-${round}`, 24).toString("base64")}`,
  ];
}

describe("runtime identifiers and the token detector", () => {
  const run = new Redactor();
  const exchange = createExchangeRedactor();

  it("keeps every id, job id, key owner, content hash and replay key the runtime writes", () => {
    for (let round = 0; round < 50; round += 1) {
      for (const id of runtimeIdentifiers()) {
        const text = `record ${id} failed: target answered 503 for ${id}`;
        expect(run.redactText(text), id).toBe(text);
        expect(run.redact({ runId: id, nested: [{ id }] }), id).toEqual({ runId: id, nested: [{ id }] });
        const trace = exchange.redact({
          request: { method: "GET", url: `https://api.example.com/runs/${id}?after=${id}`, headers: {} },
          response: { status: 200, headers: { "x-request-id": id }, body: { id, text } },
        });
        expect(JSON.stringify(trace), id).not.toContain("REDACTED");
      }
    }
  });

  it("still hides bare hex and random base64 secrets, alone and in text", () => {
    const missed: string[] = [];
    const rounds = 200;
    for (let round = 0; round < rounds; round += 1) {
      for (const secret of realSecrets(round)) {
        const hidden = run.redactText(`signing with ${secret} failed`);
        const trace = JSON.stringify(
          exchange.redact({
            request: { method: "GET", url: "https://api.example.com/x", headers: { "x-note": secret } },
            response: { status: 500, headers: {}, body: { message: `key ${secret} revoked` } },
          }),
        );
        if (hidden.includes(secret) || trace.includes(secret)) missed.push(secret);
        else expect(run.redactText(secret)).toBe("[REDACTED:token]");
      }
    }
    // Hex and whsec_ keys always; a random 32-byte base64 key escapes only with many `+/_-` in
    // it (isRandomSecret: more than one in 10): measured 6 of these 400 (56 under the previous
    // rule of one in 16 and three digits).
    expect(missed.filter((secret) => /^[0-9a-f]+$|^whsec_/.test(secret))).toEqual([]);
    expect(missed.length).toBeLessThanOrEqual((rounds * 2 * 2) / 100);
  });

  it("keeps words, paths and UUIDs, and still finds a card beside a UUID", () => {
    for (const text of [
      "ThisIsAVeryLongCamelCaseIdentifierName1",
      "customers/Cus123/orders/Ord456/items/Item789/lines",
      "1bddba72-3198-4554-9330-7955c4f73793",
    ])
      expect(run.redactText(text), text).toBe(text);
    const uuid = "1bddba72-3198-4554-9330-7955c4f73793";
    expect(run.redactText(`request ${uuid}: card 4111 1111 1111 1111 declined`)).toBe(
      `request ${uuid}: card [REDACTED:card] declined`,
    );
  });

  it("hides a hex secret after a label it does not own", () => {
    const secret = randomBytes(32).toString("hex");
    for (const label of ["secret:", "key:", "sha256=", "x:", "api_key: "])
      expect(run.redactText(`${label}${secret}`), label).not.toContain(secret);
  });
});
