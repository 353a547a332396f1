import { memoryStore } from "@synapseops/core";
import { describe, expect, it } from "vitest";
import {
  github,
  signStandardWebhook,
  standardWebhooks,
  type WebhookDelivery,
  WebhookVerificationError,
  webhookReceiver,
} from "../index";

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const now = new Date("2026-01-01T00:00:00Z");
const nowSeconds = now.getTime() / 1000;

function signed(id: string, body: string, timestamp = nowSeconds) {
  return {
    rawBody: body,
    headers: { ...signStandardWebhook({ secret, id, body, timestamp }), "content-type": "application/json" },
  };
}

function setup(options: Partial<Parameters<typeof webhookReceiver>[0]> = {}) {
  const delivered: WebhookDelivery[] = [];
  const receiver = webhookReceiver({
    scheme: standardWebhooks({ secret }),
    store: memoryStore(),
    now: () => now,
    onDelivery: (delivery) => {
      delivered.push(delivery);
    },
    ...options,
  });
  return { receiver, delivered };
}

async function refusal(promise: Promise<unknown>): Promise<WebhookVerificationError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(WebhookVerificationError);
  return error as WebhookVerificationError;
}

describe("webhookReceiver", () => {
  it("hands a verified delivery to onDelivery with the parsed and the raw body", async () => {
    const { receiver, delivered } = setup();
    const receipt = await receiver.receive(signed("msg_1", '{"order": 7}'));
    expect(receipt.status).toBe("processed");
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({
      id: "msg_1",
      scheme: "standard-webhooks",
      body: { order: 7 },
      timestamp: nowSeconds,
      headers: { "webhook-id": "msg_1", "content-type": "application/json" },
    });
    expect(delivered[0]?.rawBody.toString()).toBe('{"order": 7}');
  });

  it("the same delivery id 3 times is processed once (replay protection in the store)", async () => {
    const { receiver, delivered } = setup();
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await receiver.receive(signed("msg_2", '{"a":1}'))).status);
    expect(statuses).toEqual(["processed", "duplicate", "duplicate"]);
    expect(delivered).toHaveLength(1);
  });

  it("with onDuplicate: reject, a replayed delivery is a typed CONFLICT error", async () => {
    const { receiver } = setup({ onDuplicate: "reject" });
    await receiver.receive(signed("msg_3", "{}"));
    const error = await refusal(receiver.receive(signed("msg_3", "{}")));
    expect(error).toMatchObject({ code: "CONFLICT", reason: "replayed", httpStatus: 409 });
    expect(error.message).toBe('webhook delivery "msg_3" was processed already');
  });

  it("a failed onDelivery lets the sender's retry process the delivery again", async () => {
    let calls = 0;
    const { receiver } = setup({
      onDelivery: () => {
        calls += 1;
        if (calls === 1) throw new Error("ingest down");
      },
    });
    await expect(receiver.receive(signed("msg_4", "{}"))).rejects.toThrow("ingest down");
    expect((await receiver.receive(signed("msg_4", "{}"))).status).toBe("processed");
    expect(calls).toBe(2);
  });

  it("refuses bad signatures, expired timestamps, oversized and malformed bodies with typed errors", async () => {
    const { receiver, delivered } = setup({ maxBodyBytes: 64 });
    const tampered = signed("msg_5", '{"amount":1}');
    expect(await refusal(receiver.receive({ ...tampered, rawBody: '{"amount":9}' }))).toMatchObject({
      code: "INVALID_INPUT",
      reason: "bad_signature",
      httpStatus: 401,
    });
    const expired = await refusal(receiver.receive(signed("msg_6", "{}", nowSeconds - 301)));
    expect(expired).toMatchObject({ reason: "timestamp_out_of_tolerance", httpStatus: 401 });
    expect(expired.message).toBe(`webhook timestamp ${nowSeconds - 301} is 301 s old (tolerance 300 s)`);
    expect(await refusal(receiver.receive(signed("msg_7", `"${"x".repeat(100)}"`)))).toMatchObject({
      reason: "body_too_large",
      httpStatus: 413,
      message: "webhook body of 102 bytes exceeds maxBodyBytes 64",
    });
    expect(await refusal(receiver.receive(signed("msg_8", "{not json")))).toMatchObject({
      reason: "malformed_body",
    });
    expect(delivered).toHaveLength(0);
  });

  it("a signed id reused with a different body is refused", async () => {
    const { receiver } = setup();
    expect((await receiver.receive(signed("msg_9", '{"n":1}'))).status).toBe("processed");
    expect(await refusal(receiver.receive(signed("msg_9", '{"n":2}')))).toMatchObject({
      reason: "id_reused",
      code: "CONFLICT",
    });
  });

  // issue 16: GitHub's delivery id is not signed, so it is not the replay key; the body is.
  it("github: an unsigned id neither merges two bodies nor makes a replay new", async () => {
    const githubSecret = "gh_secret_0123456";
    const delivered: WebhookDelivery[] = [];
    const receiver = webhookReceiver({
      scheme: github({ secret: githubSecret }),
      store: memoryStore(),
      onDelivery: (delivery) => {
        delivered.push(delivery);
      },
    });
    const { createHmac } = await import("node:crypto");
    const send = (body: string, id: string) =>
      receiver.receive({
        rawBody: body,
        headers: {
          "x-hub-signature-256": `sha256=${createHmac("sha256", githubSecret).update(body).digest("hex")}`,
          "x-github-delivery": id,
        },
      });
    expect((await send("one", "d-1")).status).toBe("processed");
    expect((await send("two", "d-1")).status).toBe("processed");
    expect((await send("one", "d-2")).status).toBe("duplicate");
    expect(delivered.map((d) => [d.id, d.key.slice(0, 5)])).toEqual([
      ["d-1", "body:"],
      ["d-1", "body:"],
    ]);
  });
});
