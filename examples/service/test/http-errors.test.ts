import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Problem } from "../src/problem";
import { generatedDraft, startService, type TestService } from "./helpers";

// issue 16.4: hostile input is a typed 400 (never a 5xx), and errors Fastify or Node answer
// before a route runs are problem+json with a stable code like every other error.

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.close();
});

async function fetchProblem(
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; problem: Problem }> {
  const headers = {
    ...(init.headers as Record<string, string>),
    authorization: `Bearer ${service.adminToken}`,
  };
  const response = await fetch(`${service.baseUrl}${path}`, { ...init, headers });
  expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  return { status: response.status, problem: (await response.json()) as Problem };
}

/** Raw bytes on a socket, for what `fetch` refuses to send; resolves with the status and the body. */
function sendRaw(bytes: string): Promise<{ status: number; contentType: string; body: string }> {
  const { port } = new URL(service.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const [head = "", body = ""] = text.split("\r\n\r\n");
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0),
        contentType: /^content-type:\s*(.*)$/im.exec(head)?.[1] ?? "",
        body,
      });
    });
    socket.end(bytes, "latin1");
  });
}

describe("hostile input gets a typed error", () => {
  it("refuses NUL and lone surrogates in ids, query values and bodies with a pointer", async () => {
    const nul = await fetchProblem("/projects/prj_%00");
    expect(nul).toMatchObject({ status: 400, problem: { code: "INVALID_INPUT" } });
    expect(nul.problem.detail).toMatch(/request path: \/id contains a NUL/);

    const query = await fetchProblem("/dead-letters?runId=run_%00x");
    expect(query.problem).toMatchObject({ status: 400, pointer: "/runId" });

    const body = await fetchProblem("/projects", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"name":"shop","description":"x\\ud800"}',
    });
    expect(body.problem).toMatchObject({ status: 400, code: "INVALID_INPUT", pointer: "/description" });
    expect(body.problem.detail).toMatch(/lone UTF-16 surrogate/);
  });

  it("refuses deep nesting and integers past the store's columns", async () => {
    const { blueprint } = await generatedDraft(service.api, "erp-guard");
    const deep = `{"records":[${'{"a":'.repeat(5_000)}1${"}".repeat(5_000)}]}`;
    const nested = await fetchProblem(`/blueprints/${blueprint.id}/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: deep,
    });
    expect(nested.problem).toMatchObject({ status: 400, code: "INVALID_INPUT" });
    expect(nested.problem.detail).toMatch(/nests deeper than 128 levels/);

    for (const path of [
      `/blueprints/${blueprint.id}/revisions/2147483648`,
      `/blueprints/${blueprint.id}/diff?from=1&to=2147483648`,
    ]) {
      expect((await fetchProblem(path)).problem).toMatchObject({ status: 400, code: "INVALID_INPUT" });
    }
    const cursor = Buffer.from(JSON.stringify({ k: 2 ** 31 })).toString("base64url");
    const forged = await fetchProblem(`/blueprints/${blueprint.id}/revisions?cursor=${cursor}`);
    expect(forged.problem).toMatchObject({ status: 400, code: "CURSOR_INVALID", pointer: "/cursor" });
  });
});

it("answers 10 concurrent validations of one blueprint without a 5xx", async () => {
  // issue 16: 9 of 10 concurrent validations answered 500 on the built packages.
  const { blueprint } = await generatedDraft(service.api, "erp-concurrent");
  const answers = await Promise.all(
    Array.from({ length: 10 }, () => service.api.post(`/blueprints/${blueprint.id}/validate`)),
  );
  expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
});

describe("Fastify's and Node's own errors are problem+json", () => {
  it("bad URL encoding, an overlong id, a body too large, a wrong media type", async () => {
    expect((await fetchProblem("/projects/%ED%A0%80")).problem).toMatchObject({
      status: 400,
      code: "INVALID_INPUT",
    });
    expect((await fetchProblem(`/projects/${"x".repeat(300)}`)).problem).toMatchObject({
      status: 414,
      code: "URI_TOO_LONG",
    });
    const large = await fetchProblem("/projects", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "x".repeat(1_100_000) }),
    });
    expect(large.problem).toMatchObject({ status: 413, code: "BODY_TOO_LARGE" });
    const media = await fetchProblem("/projects", {
      method: "POST",
      headers: { "content-type": "application/xml" },
      body: "name",
    });
    expect(media.problem).toMatchObject({ status: 415, code: "UNSUPPORTED_MEDIA_TYPE" });
  });

  it("headers too large, a malformed request and a missing Host, answered on the socket", async () => {
    const cases: [string, number, string][] = [
      [`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`, 431, "HEADERS_TOO_LARGE"],
      ["POST /projects HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}", 400, "INVALID_INPUT"],
      ["GARBAGE\r\n\r\n", 400, "INVALID_INPUT"],
      ["GET /health HTTP/1.1\r\n\r\n", 400, "INVALID_INPUT"],
    ];
    for (const [bytes, status, code] of cases) {
      const answer = await sendRaw(bytes);
      expect(answer.status).toBe(status);
      expect(answer.contentType).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(answer.body)).toMatchObject({ status, code });
    }
  });
});
