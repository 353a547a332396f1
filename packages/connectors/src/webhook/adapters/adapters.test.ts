import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { memoryStore } from "@synapseops/core";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { afterAll, describe, expect, it } from "vitest";
import {
  expressWebhookHandler,
  fastifyWebhookPlugin,
  honoWebhookHandler,
  nodeWebhookHandler,
  signStandardWebhook,
  standardWebhooks,
  type WebhookDelivery,
  webhookReceiver,
} from "../../index";

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const delivered: Array<{ framework: string; delivery: WebhookDelivery }> = [];
const receiverFor = (framework: string) =>
  webhookReceiver({
    scheme: standardWebhooks({ secret }),
    store: memoryStore(),
    maxBodyBytes: 1024,
    onDelivery: (delivery) => {
      delivered.push({ framework, delivery });
    },
  });

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of closers) await close();
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function nodeServer(): Promise<string> {
  return listen(createServer(nodeWebhookHandler(receiverFor("node"))));
}

async function expressServer(): Promise<string> {
  const app = express();
  app.post("/hooks", expressWebhookHandler(receiverFor("express")));
  // The rest of the app parses JSON as usual; the webhook route was mounted before.
  app.use(express.json());
  app.post("/parsed", expressWebhookHandler(receiverFor("express")));
  return `${await listen(createServer(app))}`;
}

async function fastifyServer(): Promise<string> {
  const app = Fastify();
  await app.register(fastifyWebhookPlugin(receiverFor("fastify"), { path: "/hooks" }));
  app.post("/other", async (request) => ({ parsed: request.body }));
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  closers.push(() => app.close());
  return url;
}

async function honoServer(): Promise<string> {
  const app = new Hono();
  app.post("/hooks", honoWebhookHandler(receiverFor("hono")));
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) =>
      resolve(`http://127.0.0.1:${info.port}`),
    );
    closers.push(() => new Promise((done) => server.close(() => done())));
  });
}

const frameworks = [
  ["node", nodeServer, "/"],
  ["express", expressServer, "/hooks"],
  ["fastify", fastifyServer, "/hooks"],
  ["hono", honoServer, "/hooks"],
] as const;

function post(url: string, id: string, body: string, tamper = false): Promise<Response> {
  const headers = signStandardWebhook({ secret, id, body });
  return fetch(url, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: tamper ? body.replace("1", "2") : body,
  });
}

describe.each(frameworks)("webhook adapter: %s", (framework, start, path) => {
  let url = "";
  it("verifies the raw body and hands the delivery over once", async () => {
    url = `${await start()}${path}`;
    const body = '{ "order":  1 }'; // odd spacing: only the raw bytes verify
    const first = await post(url, `msg_${framework}`, body);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ ok: true, id: `msg_${framework}`, duplicate: false });
    const again = await post(url, `msg_${framework}`, body);
    expect(await again.json()).toMatchObject({ ok: true, duplicate: true });
    const mine = delivered.filter((entry) => entry.framework === framework);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.delivery.body).toEqual({ order: 1 });
  });

  it("answers 401 to a bad signature and 413 to an oversized body", async () => {
    const bad = await post(url, "msg_bad", '{"n":1}', true);
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ ok: false, error: "bad_signature" });
    const big = await post(url, "msg_big", JSON.stringify({ pad: "x".repeat(2000) }));
    expect(big.status).toBe(413);
  });
});

it("express: a body that express.json() parsed first is refused with an explanation", async () => {
  const base = await expressServer();
  const response = await post(`${base}/parsed`, "msg_parsed", '{"a":1}');
  expect(response.status).toBe(500);
  expect(await response.json()).toMatchObject({ error: "body_already_parsed" });
});
