import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ConnectorError, DependencyMissingError } from "@synapseops/core";
import { connectorTestContext, testConnector } from "@synapseops/core/testing";
import { SMTPServer } from "smtp-server";
import { afterAll, describe, expect, it } from "vitest";
import { email } from "./email";
import { slack } from "./slack";
import { teams } from "./teams";

interface Received {
  path: string;
  body: unknown;
}
const received: Received[] = [];
let answer: { status: number; headers?: Record<string, string> } = { status: 200 };
const mails: string[] = [];

const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
};

const http: Server = createServer(async (request, response) => {
  const text = await readBody(request);
  received.push({ path: request.url ?? "", body: JSON.parse(text) });
  response.writeHead(answer.status, answer.headers ?? {}).end("ok");
});
await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  onData(stream, _session, callback) {
    let data = "";
    stream.on("data", (chunk: Buffer) => (data += chunk.toString("utf8")));
    stream.on("end", () => {
      mails.push(data);
      callback();
    });
  },
});
await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
const smtpPort = (smtp.server.address() as AddressInfo).port;

afterAll(async () => {
  await new Promise((resolve) => http.close(resolve));
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

const record = { run: { id: "run_1" }, record: { id: "o-7", total: 12.5 } };

testConnector({
  connector: slack(),
  config: { webhookUrl: `${base}/slack` },
  invalidConfig: { value: { webhookUrl: "not a url" }, path: "/webhookUrl" },
  failingConfig: { webhookUrl: "http://127.0.0.1:1/hook", timeoutMs: 2000 },
  sampleRecord: "hello",
});
testConnector({
  connector: teams(),
  config: { webhookUrl: `${base}/teams` },
  invalidConfig: { value: { timeoutMs: -1 }, path: "/timeoutMs" },
  failingConfig: { webhookUrl: "http://127.0.0.1:1/hook", timeoutMs: 2000 },
  sampleRecord: "hello",
});
testConnector({
  connector: email(),
  config: {
    host: "127.0.0.1",
    port: smtpPort,
    from: "ops@example.com",
    to: "oncall@example.com",
    subject: '"hi"',
  },
  invalidConfig: { value: { host: "127.0.0.1", from: "a", to: "b" }, path: "/subject" },
  failingConfig: { host: "127.0.0.1", port: 1, from: "a@b.c", to: "d@e.f", subject: '"s"', timeoutMs: 2000 },
  sampleRecord: "hello",
});

describe("notification channels", () => {
  const ctx = connectorTestContext();

  it("slack posts the JSONata-rendered text and blocks", async () => {
    const channel = slack();
    await channel.write!(
      channel.parseConfig({
        webhookUrl: `${base}/slack`,
        text: '"Run " & run.id & ": order " & record.id & " failed"',
        blocks: '[{ "type": "section", "text": { "type": "mrkdwn", "text": "*" & record.id & "*" } }]',
      }),
      record,
      ctx,
    );
    expect(received.at(-1)).toEqual({
      path: "/slack",
      body: {
        text: "Run run_1: order o-7 failed",
        blocks: [{ type: "section", text: { type: "mrkdwn", text: "*o-7*" } }],
      },
    });
  });

  it("teams posts an Adaptive Card; the URL may come from a secret", async () => {
    const channel = teams();
    await channel.write!(
      channel.parseConfig({ title: '"Order " & record.id', text: '"Total: " & $string(record.total)' }),
      record,
      { ...ctx, secrets: { teamsWebhookUrl: `${base}/teams` } },
    );
    const body = received.at(-1)?.body as { attachments: { content: { body: { text: string }[] } }[] };
    expect(received.at(-1)?.path).toBe("/teams");
    expect(body.attachments[0]?.content.body.map((block) => block.text)).toEqual([
      "Order o-7",
      "Total: 12.5",
    ]);
  });

  it("429 with Retry-After is retryable with retryAfterMs; 400 is fatal; a bad template is fatal", async () => {
    const channel = slack();
    const config = channel.parseConfig({ webhookUrl: `${base}/slack` });
    answer = { status: 429, headers: { "retry-after": "3" } };
    const limited = await channel.write!(config, "hi", ctx).catch((e: unknown) => e);
    answer = { status: 400 };
    const rejected = await channel.write!(config, "hi", ctx).catch((e: unknown) => e);
    answer = { status: 200 };
    expect(limited).toMatchObject({ retryable: true, retryAfterMs: 3000, status: 429 });
    expect(rejected).toMatchObject({ retryable: false, status: 400 });
    expect(String((rejected as Error).message)).not.toContain(base);
    const broken = await channel.write!(
      channel.parseConfig({ webhookUrl: `${base}/x`, text: '"unclosed' }),
      {},
      ctx,
    ).catch((e: unknown) => e);
    expect(broken).toBeInstanceOf(ConnectorError);
    expect((broken as ConnectorError).retryable).toBe(false);
  });

  it("email sends through SMTP with rendered subject and body, Message-ID from the idempotency key", async () => {
    const channel = email();
    const result = await channel.write!(
      channel.parseConfig({
        host: "127.0.0.1",
        port: smtpPort,
        from: "ops@example.com",
        to: ["oncall@example.com"],
        subject: '"Run " & run.id & " failed"',
        text: '"Order " & record.id & " was dead-lettered"',
      }),
      record,
      { ...ctx, idempotencyKey: "o-7:notify" },
    );
    channel.close();
    expect(result).toMatchObject({ accepted: 1 });
    const mail = mails.at(-1) ?? "";
    expect(mail).toContain("Subject: Run run_1 failed");
    expect(mail).toContain("Order o-7 was dead-lettered");
    expect(mail).toContain("Message-ID: <o-7_notify@synapseops>");
  });

  it("email without nodemailer fails with DependencyMissingError", async () => {
    const channel = email({ importer: () => Promise.reject(new Error("Cannot find package 'nodemailer'")) });
    const config = channel.parseConfig({ host: "127.0.0.1", from: "a@b.c", to: "d@e.f", subject: '"s"' });
    const error = await channel.write!(config, "x", ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyMissingError);
    expect((error as Error).message).toContain("npm install nodemailer");
  });
});
