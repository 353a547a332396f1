// issue 23: the API's access control, route by route. Routes come from Fastify's route table, so
// a route added later is covered by every check here without anyone listing it.
import { createHash, randomBytes } from "node:crypto";
import { type Blueprint, type DeadLetter, type Page, type Run, staticKeyProvider } from "@synapseops/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleOrders } from "../src/fixtures";
import type { Problem } from "../src/problem";
import type { RouteEntry } from "../src/server";
import { generatedDraft, startService, type TestService } from "./helpers";

/** The routes served without a principal; a new public route must be added here knowingly. */
const PUBLIC_ROUTES = [
  "GET /console",
  "GET /console/*",
  "GET /health",
  "POST /auth/login",
  // The OAuth redirect URI: the provider's redirect carries no session, its single-use state is the proof.
  "GET /oauth/callback",
];
const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** Mutating routes every principal may call on itself. */
const SELF_SERVICE = new Set(["POST /auth/logout"]);

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

let service: TestService;
/** Every answer of the test, headers and body, searched for canaries at the end. */
const answers: { label: string; text: string }[] = [];
const canaries: string[] = [];
const ids = {
  projectId: "",
  blueprintId: "",
  runId: "",
  tokenId: "",
  connectionId: "",
  scheduleId: "",
  channel: `erp-sec-${randomBytes(4).toString("hex")}`,
};
let viewerToken = "";
let approverToken = "";

async function send(
  method: string,
  path: string,
  options: { token?: string; cookie?: string; csrf?: string; body?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie) headers.cookie = options.cookie;
  if (options.csrf) headers["x-csrf-token"] = options.csrf;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const stream = new AbortController();
  const response = await fetch(`${service.baseUrl}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: options.body }),
    redirect: "manual",
    signal: stream.signal,
  });
  // A live stream (GET /events) never ends: its first message is what it answered.
  const live = response.headers.get("content-type")?.startsWith("text/event-stream");
  const text = live
    ? new TextDecoder().decode((await response.body!.getReader().read()).value)
    : await response.text();
  if (live) stream.abort();
  const headerText = [...response.headers].map(([k, v]) => `${k}: ${v}`).join("\n");
  answers.push({ label: `${method} ${path}`, text: `${headerText}\n\n${text}` });
  return { status: response.status, headers: response.headers, text };
}

const problemOf = (answer: Answer): Problem => JSON.parse(answer.text) as Problem;

/** A concrete path for a route of the table, with the ids of real entities of the project. */
function pathOf(route: RouteEntry): string {
  return route.url
    .replace(/^\/projects\/:id/, `/projects/${ids.projectId}`)
    .replace(/^\/blueprints\/:id/, `/blueprints/${ids.blueprintId}`)
    .replace(/^\/runs\/:id/, `/runs/${ids.runId}`)
    .replace(/^\/tokens\/:id/, `/tokens/${ids.tokenId}`)
    .replace(/^\/connections\/:id/, `/connections/${ids.connectionId}`)
    .replace(/^\/schedules\/:id/, `/schedules/${ids.scheduleId}`)
    .replace(":name", "production")
    .replace(":revision", "1")
    .replace(":key", "o-1001")
    .replace(":channel", ids.channel)
    .replace("*", "index.html")
    .replace(/\/diff$/, "/diff?from=1&to=1");
}

const label = (route: RouteEntry): string => `${route.method} ${route.url}`;
const apiRoutes = (): RouteEntry[] => service.routes.filter((r) => !r.public);

/** A session of a new user with `grants`: its cookie header and CSRF token. */
async function sessionOf(
  grants: Record<string, string>,
): Promise<{ cookie: string; csrf: string; password: string }> {
  const name = `u${randomBytes(4).toString("hex")}`;
  const password = `pw-${randomBytes(12).toString("base64url")}`;
  canaries.push(password);
  const created = await service.api.post("/users", { name, password, grants });
  expect(created.status).toBe(201);
  const login = await send("POST", "/auth/login", { body: JSON.stringify({ name, password }) });
  expect(login.status).toBe(200);
  const setCookies = login.headers.getSetCookie();
  for (const c of setCookies) {
    expect(c).toMatch(/HttpOnly/i);
    expect(c).toMatch(/SameSite=Strict/i);
    expect(c).toMatch(/Secure/i);
  }
  const pairs = setCookies.map((c) => c.split(";")[0]!);
  for (const pair of pairs) if (pair.startsWith("synapseops_session=")) canaries.push(pair.split("=")[1]!);
  return {
    cookie: pairs.join("; "),
    csrf: (JSON.parse(login.text) as { csrfToken: string }).csrfToken,
    password,
  };
}

beforeAll(async () => {
  service = await startService({
    connections: { keys: staticKeyProvider([{ id: "k1", key: randomBytes(32) }]) },
  });
  canaries.push(service.adminToken);
  const { api } = service;
  const { project, blueprint } = await generatedDraft(api, ids.channel);
  ids.projectId = project.id;
  ids.blueprintId = blueprint.id;
  // A dry run of the draft, so run routes have a real run to answer about.
  const dry = await api.post<Run>(`/blueprints/${blueprint.id}/runs`, {
    records: sampleOrders.slice(0, 1),
    dryRun: true,
  });
  expect(dry.status).toBe(202);
  ids.runId = dry.body.id;
  const viewer = await api.post<{ token: string; id: string }>("/tokens", {
    name: "viewer",
    projectId: project.id,
    role: "viewer",
  });
  expect(viewer.status).toBe(201);
  viewerToken = viewer.body.token;
  ids.tokenId = viewer.body.id;
  const approver = await api.post<{ token: string }>("/tokens", {
    name: "approver",
    projectId: project.id,
    role: "approver",
  });
  approverToken = approver.body.token;
  canaries.push(viewerToken, approverToken);
  // A customer connection of the project, so connection routes act on a real one; its key is a canary.
  const [ref] = (await api.get<{ id: string }[]>(`/projects/${project.id}/connectors`)).body;
  const apiKey = `conn-key-${randomBytes(16).toString("hex")}`;
  const connection = await service.service.runtime.connections.create({
    type: "apiKey",
    apiKey,
    connectorRefId: ref!.id,
    customerId: "cust-sec",
  });
  ids.connectionId = connection.id;
  canaries.push(apiKey);
  // A connector ref whose config holds a credential: write-only, so a canary too.
  const configKey = `config-key-${randomBytes(16).toString("hex")}`;
  const withSecret = await api.post(`/projects/${project.id}/connectors`, {
    type: "memory",
    name: "With a key",
    config: { channel: "keyed", apiKey: configKey },
  });
  expect(withSecret.status).toBe(201);
  canaries.push(configKey);
  // A schedule of the blueprint (hourly: it does not fire during the test), for the schedule routes.
  const schedule = await service.service.runtime.schedules.create({
    blueprintId: blueprint.id,
    timing: { everyMs: 3_600_000 },
    action: { kind: "poll" },
  });
  ids.scheduleId = schedule.id;
}, 60_000);

afterAll(async () => {
  await service?.close();
});

describe("access control of every route", () => {
  it("serves only the known public routes without a principal", () => {
    const publicRoutes = service.routes.filter((r) => r.public).map(label);
    expect(publicRoutes.sort()).toEqual([...PUBLIC_ROUTES].sort());
    expect(apiRoutes().length).toBeGreaterThan(25);
  });

  it("answers 401 problem+json on every other route without a token, with a wrong one and with an expired one", async () => {
    const { token: expired } = await service.service.identities.issueToken({
      name: "expired",
      projectId: "*",
      role: "admin",
      createdBy: "test",
      ttlMs: -1,
    });
    canaries.push(expired);
    for (const route of apiRoutes()) {
      for (const token of [undefined, `syn_${randomBytes(32).toString("base64url")}`, expired]) {
        const answer = await send(route.method, pathOf(route), {
          ...(token ? { token } : {}),
          ...(MUTATING.has(route.method) ? { body: "{}" } : {}),
        });
        expect(answer.status, `${label(route)} token=${token ? "some" : "none"}`).toBe(401);
        expect(answer.headers.get("content-type")).toMatch(/^application\/problem\+json/);
        expect(problemOf(answer).code).toBe("UNAUTHENTICATED");
        expect(answer.headers.get("www-authenticate")).toMatch(/^Bearer/);
      }
    }
  });

  it("answers 403 to a viewer token on every mutating route, and lets it read its project", async () => {
    const mutating = apiRoutes().filter((r) => MUTATING.has(r.method) && !SELF_SERVICE.has(label(r)));
    expect(mutating.length).toBeGreaterThan(10);
    for (const route of mutating) {
      const answer = await send(route.method, pathOf(route), { token: viewerToken, body: "{}" });
      expect(answer.status, label(route)).toBe(403);
      expect(problemOf(answer).code, label(route)).toBe("FORBIDDEN");
    }
    for (const route of apiRoutes().filter((r) => r.method === "GET")) {
      const answer = await send("GET", pathOf(route), { token: viewerToken });
      // Users are an admin's business; everything else of its project a viewer may read.
      const expected = route.url === "/users" ? [403] : [200, 404];
      expect(expected, `${label(route)} answered ${answer.status}: ${answer.text.slice(0, 200)}`).toContain(
        answer.status,
      );
    }
  });

  it("answers 403 to a session's mutating calls without its CSRF token, on every mutating route", async () => {
    const session = await sessionOf({ [ids.projectId]: "admin" });
    for (const route of apiRoutes().filter((r) => MUTATING.has(r.method))) {
      const answer = await send(route.method, pathOf(route), { cookie: session.cookie, body: "{}" });
      expect(answer.status, label(route)).toBe(403);
      expect(problemOf(answer).code, label(route)).toBe("CSRF_INVALID");
      const forged = await send(route.method, pathOf(route), {
        cookie: session.cookie,
        csrf: "forged-token",
        body: "{}",
      });
      expect(forged.status, label(route)).toBe(403);
    }
    // With the token, the same session gets through to the route.
    const validated = await send("POST", `/blueprints/${ids.blueprintId}/validate`, {
      cookie: session.cookie,
      csrf: session.csrf,
      body: "{}",
    });
    expect(validated.status).toBe(200);
  });

  it("answers 413 to a 10 MB body on every route that takes one", async () => {
    const tenMegabytes = JSON.stringify({ name: "x".repeat(10 * 1024 * 1024) });
    for (const route of apiRoutes().filter((r) => MUTATING.has(r.method))) {
      const answer = await send(route.method, pathOf(route), {
        token: service.adminToken,
        body: tenMegabytes,
      });
      expect(answer.status, label(route)).toBe(413);
      expect(problemOf(answer).code).toBe("BODY_TOO_LARGE");
    }
    const anonymous = await send("POST", "/auth/login", { body: tenMegabytes });
    expect(anonymous.status).toBe(413);
  });
});

describe("rate limits", () => {
  it("slows password guessing to 10 logins a minute per client, whatever token it makes up", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const response = await fetch(`${service.baseUrl}/auth/login`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer syn_${randomBytes(32).toString("base64url")}`,
        },
        body: JSON.stringify({ name: "nobody", password: `guess-${i}` }),
      });
      statuses.push(response.status);
    }
    // Earlier tests of this file signed in from the same address and used part of the budget.
    const refusedFrom = statuses.indexOf(429);
    expect(refusedFrom).toBeGreaterThan(0);
    expect(statuses.slice(0, refusedFrom).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(refusedFrom).every((s) => s === 429)).toBe(true);
  });
});

describe("roles and the audit log", () => {
  it("lets an approver approve what a viewer may not, and records the real actor", async () => {
    const refused = await send("POST", `/blueprints/${ids.blueprintId}/approve`, { token: viewerToken });
    expect(refused.status).toBe(403);
    expect((await service.api.get<Blueprint>(`/blueprints/${ids.blueprintId}`)).body.status).not.toBe(
      "APPROVED",
    );
    const approved = await send("POST", `/blueprints/${ids.blueprintId}/approve`, { token: approverToken });
    expect(approved.status).toBe(200);
    // Through the API, as a viewer of the project sees it.
    const answer = await send("GET", `/projects/${ids.projectId}/audit?limit=500`, { token: viewerToken });
    expect(answer.status).toBe(200);
    const audit = JSON.parse(answer.text) as { items: { action: string; actor: string; entityId: string }[] };
    audit.items = audit.items.filter((e) => e.entityId === ids.blueprintId);
    const approval = audit.items.find((e) => e.action === "approve");
    const approverId = service.service.identities.listTokens().find((t) => t.name === "approver")?.id;
    expect(approval?.actor).toBe(`token:${approverId}`);
    expect(audit.items.find((e) => e.action === "create")?.actor).toBe(
      `token:${service.service.identities.listTokens().find((t) => t.name === "bootstrap admin")?.id}`,
    );

    // A run and a dead letter, so the reads below have them to answer with.
    await service.api.put(`/sandbox/${ids.channel}`, { rejectWhen: "orderId = 'o-1002'" });
    const started = await service.api.post<Run>(`/blueprints/${ids.blueprintId}/runs`, {
      records: sampleOrders,
    });
    ids.runId = started.body.id;
    await service.api.waitForRun(ids.runId);
    const letters = await service.api.get<Page<DeadLetter>>(`/dead-letters?runId=${ids.runId}`);
    expect(letters.body.items.length).toBeGreaterThan(0);
    // A viewer scoped to another project sees none of them.
    const other = await service.api.post<{ id: string }>("/projects", { name: "Other" });
    const outsider = await service.api.post<{ token: string }>("/tokens", {
      name: "outsider",
      projectId: other.body.id,
      role: "admin",
    });
    canaries.push(outsider.body.token);
    const seen = await send("GET", `/dead-letters?runId=${ids.runId}`, { token: outsider.body.token });
    expect(JSON.parse(seen.text).items).toEqual([]);
    expect((await send("GET", `/runs/${ids.runId}`, { token: outsider.body.token })).status).toBe(403);
    const projects = JSON.parse((await send("GET", "/projects", { token: outsider.body.token })).text);
    expect(projects.items.map((p: { id: string }) => p.id)).toEqual([other.body.id]);
  });
});

describe("secrets", () => {
  it("never appear in any answer (canaries), nor their stored hashes", async () => {
    // Read every route once more as the admin, with the run and dead letters in place.
    for (const route of apiRoutes().filter((r) => r.method === "GET"))
      await send("GET", pathOf(route), { token: service.adminToken });
    await send("GET", "/tokens", { token: service.adminToken });
    await send("GET", "/users", { token: service.adminToken });
    expect(canaries.length).toBeGreaterThanOrEqual(6);
    const hashes = canaries.map((c) => createHash("sha256").update(c).digest("hex"));
    const leaks: string[] = [];
    for (const answer of answers) {
      // A login hands its session over in Set-Cookie: that header, and only there, may carry it.
      const text =
        answer.label === "POST /auth/login" ? answer.text.replace(/^set-cookie: .*$/gm, "") : answer.text;
      for (const secret of [...canaries, ...hashes]) {
        if (text.includes(secret)) leaks.push(`${answer.label} carries ${secret.slice(0, 8)}…`);
      }
      if (/scrypt\$/.test(answer.text)) leaks.push(`${answer.label} carries a password hash`);
    }
    expect(answers.length).toBeGreaterThan(150);
    expect(leaks).toEqual([]);
  });
});
