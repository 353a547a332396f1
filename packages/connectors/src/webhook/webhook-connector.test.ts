import { connectorTestContext, testConnector } from "@synapseops/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { startLocalServer, unreachableUrl } from "../../test/local-server";
import { generateWebhookSecret, standardWebhooks, webhook, webhookReceiver } from "../index";

const secret = generateWebhookSecret();
// The receiving side is our own receiver: what we sign, we verify.
const received: unknown[] = [];
const receiver = webhookReceiver({
  scheme: standardWebhooks({ secret }),
  onDelivery: (delivery) => {
    received.push(delivery.body);
  },
});
const partner = await startLocalServer(async (request, response) => {
  try {
    await receiver.receive({ rawBody: request.body, headers: request.headers });
    response.writeHead(204).end();
  } catch {
    response.writeHead(401).end();
  }
});
afterAll(() => partner.close());

const connector = webhook();
const secrets = { signingSecret: secret };

testConnector({
  connector,
  config: { url: `${partner.url}/hooks` },
  secrets,
  invalidConfig: { value: { url: "nope" }, path: "/url" },
  sampleRecord: { event: "order.created" },
  failingConfig: { url: await unreachableUrl() },
});

describe("webhook connector (outbound)", () => {
  it("signs per Standard Webhooks with the idempotency key as the message id", async () => {
    const config = connector.parseConfig({ url: `${partner.url}/hooks` });
    const result = await connector.write!(
      config,
      { n: 1 },
      { ...connectorTestContext({ secrets }), idempotencyKey: "msg_42" },
    );
    expect(result).toEqual({ id: "msg_42", status: 204 });
    expect(received.at(-1)).toEqual({ n: 1 });
    expect(partner.requests.at(-1)?.headers["webhook-id"]).toBe("msg_42");
  });

  it("a wrong secret is refused by the receiver: a non-retryable 401", async () => {
    const config = connector.parseConfig({ url: `${partner.url}/hooks` });
    await expect(
      connector.write!(
        config,
        {},
        connectorTestContext({ secrets: { signingSecret: generateWebhookSecret() } }),
      ),
    ).rejects.toMatchObject({ code: "CONNECTOR_FAILED", status: 401, retryable: false });
  });

  it("a missing secret fails before sending", async () => {
    const before = partner.requests.length;
    await expect(
      connector.write!(connector.parseConfig({ url: partner.url }), {}, connectorTestContext()),
    ).rejects.toMatchObject({
      code: "CONNECTOR_INVALID",
      path: "/secrets/signingSecret",
    });
    expect(partner.requests.length).toBe(before);
  });
});
