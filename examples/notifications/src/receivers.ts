import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** One POST an incoming-webhook receiver got. */
export interface WebhookHit {
  /** Milliseconds since the receiver started. */
  at: number;
  path: string;
  body: unknown;
}

/** A local stand-in for a chat tool's incoming webhook (Slack, Teams): it records every POST. */
export interface WebhookSink {
  /** The incoming-webhook URL to give the connector (a credential in real life). */
  url: string;
  received: WebhookHit[];
  close(): Promise<void>;
}

/** Starts an incoming-webhook receiver on a free port; it answers as Slack does (`200 ok`). */
export async function startWebhookSink(hookPath: string, started = performance.now()): Promise<WebhookSink> {
  const received: WebhookHit[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (request.method !== "POST" || request.url !== hookPath) {
        response.writeHead(404).end("no_service");
        return;
      }
      received.push({
        at: Math.round(performance.now() - started),
        path: request.url,
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
      });
      response.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${hookPath}`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** One message the SMTP sink accepted, its main headers decoded. */
export interface Mail {
  at: number;
  from: string;
  to: string[];
  subject: string;
  messageId: string;
  text: string;
}

/** A local SMTP server that accepts every message and keeps it (nothing is relayed). */
export interface SmtpSink {
  host: string;
  port: number;
  mails: Mail[];
  close(): Promise<void>;
}

/** Starts the SMTP sink on a free port (no TLS, no auth: it only listens on 127.0.0.1). */
export async function startSmtpSink(started = performance.now()): Promise<SmtpSink> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    disableReverseLookup: true,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        mails.push({
          at: Math.round(performance.now() - started),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          ...parseMessage(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    host: "127.0.0.1",
    port: (server.server.address() as AddressInfo).port,
    mails,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The subject, Message-ID and plain-text body of a single-part RFC 5322 message. */
function parseMessage(raw: string): { subject: string; messageId: string; text: string } {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, " "); // unfold
  const headers = new Map(
    head.split("\r\n").map((line) => {
      const colon = line.indexOf(":");
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()] as const;
    }),
  );
  let text = raw.slice(split + 4);
  if (headers.get("content-transfer-encoding") === "quoted-printable") text = decodeQuotedPrintable(text);
  return {
    subject: headers.get("subject") ?? "",
    messageId: headers.get("message-id") ?? "",
    text: text.replace(/\r\n/g, "\n").trimEnd(),
  };
}

/** RFC 2045 §6.7: soft line breaks removed, runs of `=XX` octets decoded as UTF-8. */
function decodeQuotedPrintable(encoded: string): string {
  return encoded
    .replace(/=\r\n/g, "")
    .replace(/(?:=[0-9A-F]{2})+/g, (run) => Buffer.from(run.replace(/=/g, ""), "hex").toString("utf8"));
}
