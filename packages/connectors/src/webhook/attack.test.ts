/**
 * issue 16: the webhook attack suite. Every scheme, as an attacker holding one captured
 * delivery (or none) would try it: replays with the id headers changed, removed, added or
 * re-cased, replays after a restart, re-encoded and truncated bodies, stale and future
 * timestamps, another secret, empty and short secrets. A false accept is an attack delivery
 * that reached `onDelivery`; there must be none.
 */
import { createHash, createHmac } from "node:crypto";
import { memoryStore, type Store, ValidationError } from "@synapseops/core";
import { postgresStore } from "@synapseops/core/postgres";
import { checkTestService } from "@synapseops/core/testing";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import {
  generateWebhookSecret,
  github,
  hmacScheme,
  shopify,
  signStandardWebhook,
  standardWebhooks,
  stripe,
  type WebhookDedupeStore,
  type WebhookReceiver,
  type WebhookScheme,
  WebhookVerificationError,
  webhookReceiver,
} from "../index";

const NOW = 1_700_000_000;
const TOLERANCE = 300;
const hex = (key: string, data: string) => createHmac("sha256", key).update(data).digest("hex");
const b64 = (key: string, data: string) => createHmac("sha256", key).update(data).digest("base64");

interface Signed {
  body: string;
  id: string;
  t: number;
  secret: string;
}

/** A sender per scheme: how it signs, which headers carry an id, whether it signs a timestamp. */
interface Sender {
  name: string;
  secret: string;
  otherSecret: string;
  scheme: (secret: string | string[]) => WebhookScheme;
  sign: (message: Signed) => Record<string, string>;
  idHeaders: string[];
  timestamped: boolean;
}

const senders: Sender[] = [
  {
    name: "standard-webhooks",
    secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    otherSecret: generateWebhookSecret(),
    scheme: (secret) => standardWebhooks({ secret }),
    sign: ({ body, id, t, secret }) => signStandardWebhook({ secret, id, body, timestamp: t }),
    idHeaders: ["webhook-id"],
    timestamped: true,
  },
  {
    name: "stripe",
    secret: "whsec_stripe_attack_0123456789",
    otherSecret: "whsec_stripe_other_0123456789",
    scheme: (secret) => stripe({ secret }),
    sign: ({ body, t, secret }) => ({ "stripe-signature": `t=${t},v1=${hex(secret, `${t}.${body}`)}` }),
    idHeaders: [],
    timestamped: true,
  },
  {
    name: "github",
    secret: "It's a Secret to Everybody",
    otherSecret: "It's another Secret, to Nobody",
    scheme: (secret) => github({ secret }),
    sign: ({ body, id, secret }) => ({
      "x-hub-signature-256": `sha256=${hex(secret, body)}`,
      "x-github-delivery": id,
    }),
    idHeaders: ["x-github-delivery"],
    timestamped: false,
  },
  {
    name: "shopify",
    secret: "shpss_0c5f0d3d2b8e4f7a9e1c",
    otherSecret: "shpss_ffffffffffffffffffff",
    scheme: (secret) => shopify({ secret }),
    sign: ({ body, id, secret }) => ({
      "x-shopify-hmac-sha256": b64(secret, body),
      "x-shopify-webhook-id": id,
    }),
    idHeaders: ["x-shopify-webhook-id", "x-shopify-event-id"],
    timestamped: false,
  },
  {
    name: "hmac",
    secret: "acme-shared-secret-0001",
    otherSecret: "acme-shared-secret-0002",
    scheme: (secret) =>
      hmacScheme({ secret, header: "x-acme-signature", prefix: "sha256=", idHeader: "x-acme-id" }),
    sign: ({ body, id, secret }) => ({ "x-acme-signature": `sha256=${hex(secret, body)}`, "x-acme-id": id }),
    idHeaders: ["x-acme-id"],
    timestamped: false,
  },
  {
    name: "hmac+timestamp",
    secret: "acme-shared-secret-0001",
    otherSecret: "acme-shared-secret-0002",
    scheme: (secret) =>
      hmacScheme({
        secret,
        header: "x-acme-signature",
        timestampHeader: "x-acme-timestamp",
        idHeader: "x-acme-id",
      }),
    sign: ({ body, id, t, secret }) => ({
      "x-acme-signature": hex(secret, `${t}.${body}`),
      "x-acme-timestamp": String(t),
      "x-acme-id": id,
    }),
    idHeaders: ["x-acme-id"],
    timestamped: true,
  },
  {
    name: "hmac+signed id",
    secret: "acme-shared-secret-0001",
    otherSecret: "acme-shared-secret-0002",
    scheme: (secret) =>
      hmacScheme({
        secret,
        header: "x-acme-signature",
        encoding: "base64",
        timestampHeader: "x-acme-timestamp",
        idHeader: "x-acme-id",
        payload: "{id}.{timestamp}.{body}",
      }),
    sign: ({ body, id, t, secret }) => ({
      "x-acme-signature": b64(secret, `${id}.${t}.${body}`),
      "x-acme-timestamp": String(t),
      "x-acme-id": id,
    }),
    idHeaders: ["x-acme-id"],
    timestamped: true,
  },
];

/** Every id header any scheme reads, to add where a scheme does not expect it. */
const ALL_ID_HEADERS = [
  "webhook-id",
  "svix-id",
  "x-github-delivery",
  "x-shopify-webhook-id",
  "x-shopify-event-id",
  "x-acme-id",
  "idempotency-key",
];

/** An order event; the spacing and the non-ASCII note are what the sender signed. */
const bodyOf = (id: string, amount = 1234) =>
  `{"id": "${id}", "type": "order.created", "data": {"amount": ${amount}, "note": "ünïcode ✓"}}`;

/** A receiver on `store` counting what reached `onDelivery`. */
function receiverOn(sender: Sender, store: WebhookDedupeStore, clock: { now: number }) {
  const processed: string[] = [];
  const receiver = webhookReceiver({
    scheme: sender.scheme(sender.secret),
    store,
    now: () => new Date(clock.now * 1000),
    onDelivery: (delivery) => {
      processed.push(delivery.key);
    },
  });
  return { receiver, processed };
}

type Outcome = "processed" | "duplicate" | "refused";

async function send(
  receiver: WebhookReceiver,
  rawBody: string,
  headers: Record<string, string>,
): Promise<Outcome> {
  try {
    const receipt = await receiver.receive({
      rawBody,
      headers: { ...headers, "content-type": "application/json" },
    });
    return receipt.status;
  } catch (error) {
    if (error instanceof WebhookVerificationError) return "refused";
    throw error;
  }
}

/** Header maps derived from a captured delivery's headers that try to make a replay look new. */
function idTricks(sender: Sender, headers: Record<string, string>): Array<[string, Record<string, string>]> {
  const tricks: Array<[string, Record<string, string>]> = [];
  for (const name of sender.idHeaders) {
    const rest = Object.fromEntries(Object.entries(headers).filter(([key]) => key !== name));
    tricks.push([`${name} changed`, { ...headers, [name]: `${headers[name] ?? "x"}-replayed` }]);
    tricks.push([`${name} removed`, rest]);
    tricks.push([`${name} re-cased, new value`, { ...rest, [name.toUpperCase()]: "attacker-1" }]);
    tricks.push([`${name} doubled in another case`, { ...headers, [name.toUpperCase()]: "attacker-2" }]);
    tricks.push([`${name} empty`, { ...headers, [name]: "" }]);
    tricks.push([`${name} with spaces`, { ...headers, [name]: ` ${headers[name] ?? ""} ` }]);
  }
  for (const name of ALL_ID_HEADERS) {
    tricks.push([`${name} added`, { ...headers, [name]: `added-${name}` }]);
  }
  tricks.push([
    "every header re-cased",
    Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v])),
  ]);
  return tricks;
}

/** Bodies an attacker derives from a captured one; none was signed. */
function bodyTricks(body: string): Array<[string, string]> {
  return [
    ["truncated by one byte", body.slice(0, -1)],
    ["truncated to half", body.slice(0, Math.floor(body.length / 2))],
    ["empty", ""],
    ["whitespace removed", JSON.stringify(JSON.parse(body))],
    ["whitespace added", body.replace('"type":', '"type":  ')],
    ["trailing newline", `${body}\n`],
    ["CRLF", `${body}\r\n`],
    ["unicode escaped", body.replace("ü", "\\u00fc")],
    ["unicode NFD", body.normalize("NFD")],
    ["amount changed", body.replace("1234", "9234")],
    ["keys reordered", JSON.stringify({ type: "order.created", ...JSON.parse(body) })],
    ["BOM prefixed", `\uFEFF${body}`],
  ];
}

interface Tally {
  cases: number;
  falseAccepts: string[];
}

function attack(tally: Tally, sender: Sender, name: string, outcome: Outcome, allowed: Outcome[]): void {
  tally.cases += 1;
  // Anything that reached onDelivery, or an answer the case does not allow, is a false accept.
  if (outcome === "processed" || !allowed.includes(outcome))
    tally.falseAccepts.push(`${sender.name}: ${name} → ${outcome}`);
}

const tally: Tally = { cases: 0, falseAccepts: [] };

describe.each(senders)("attacks on $name", (sender) => {
  it("replays with id headers changed, removed, added or re-cased; after a restart; re-encoded bodies; other secrets; stale and future timestamps", async () => {
    const store = memoryStore();
    const clock = { now: NOW };
    const { receiver, processed } = receiverOn(sender, store, clock);
    const body = bodyOf(`evt_${sender.name}`);
    const headers = sender.sign({ body, id: `msg_${sender.name}`, t: NOW, secret: sender.secret });

    // The genuine delivery is accepted once (not an attack: the control).
    expect(await send(receiver, body, headers)).toBe("processed");
    expect(processed).toHaveLength(1);

    attack(tally, sender, "exact replay", await send(receiver, body, headers), ["duplicate"]);
    for (const [name, changed] of idTricks(sender, headers)) {
      // A replay is a duplicate, or refused when the change broke the signature; never new.
      attack(tally, sender, `replay, ${name}`, await send(receiver, body, changed), ["duplicate", "refused"]);
    }

    // A restart: a new receiver on the same store.
    const restarted = receiverOn(sender, store, clock);
    attack(tally, sender, "replay after a restart", await send(restarted.receiver, body, headers), [
      "duplicate",
    ]);
    for (const [name, changed] of idTricks(sender, headers)) {
      attack(
        tally,
        sender,
        `replay after a restart, ${name}`,
        await send(restarted.receiver, body, changed),
        ["duplicate", "refused"],
      );
    }

    // Later, inside the replay window (an hour: timestamps are stale by then).
    clock.now = NOW + 3600;
    attack(tally, sender, "replay an hour later", await send(restarted.receiver, body, headers), [
      ...(sender.timestamped ? (["refused"] as const) : (["duplicate"] as const)),
    ]);
    for (const [name, changed] of idTricks(sender, headers)) {
      attack(tally, sender, `replay an hour later, ${name}`, await send(restarted.receiver, body, changed), [
        "duplicate",
        "refused",
      ]);
    }
    clock.now = NOW;

    // Bodies the sender never signed, with the captured headers, and with a fresh id each.
    for (const [name, changed] of bodyTricks(body)) {
      attack(tally, sender, `body ${name}`, await send(receiver, changed, headers), ["refused"]);
      const fresh = { ...headers, ...Object.fromEntries(sender.idHeaders.map((h) => [h, `fresh-${name}`])) };
      attack(tally, sender, `body ${name}, fresh id`, await send(receiver, changed, fresh), ["refused"]);
    }

    // New deliveries signed with another secret, with an empty key, or with no signature.
    const other = bodyOf("evt_other", 1);
    for (const [name, secret] of [
      ["another secret", sender.otherSecret],
      ["an empty key", ""],
    ] as const) {
      if (name === "an empty key" && sender.name === "standard-webhooks") {
        // whsec_ secrets are decoded: sign with zero key bytes directly.
        const t = String(NOW);
        const signature = createHmac("sha256", Buffer.alloc(0))
          .update(`msg_e.${t}.${other}`)
          .digest("base64");
        const forged = {
          "webhook-id": "msg_e",
          "webhook-timestamp": t,
          "webhook-signature": `v1,${signature}`,
        };
        attack(tally, sender, `signed with ${name}`, await send(receiver, other, forged), ["refused"]);
        continue;
      }
      const forged = sender.sign({ body: other, id: "msg_forged", t: NOW, secret });
      attack(tally, sender, `signed with ${name}`, await send(receiver, other, forged), ["refused"]);
    }
    const unsigned = Object.fromEntries(Object.entries(headers).filter(([k]) => !/signature|hmac/.test(k)));
    attack(tally, sender, "signature header removed", await send(receiver, other, unsigned), ["refused"]);

    if (sender.timestamped) {
      for (const [name, t] of [
        ["expired by 1 s", NOW - TOLERANCE - 1],
        ["expired by a day", NOW - 86_400],
        ["future by 1 s", NOW + TOLERANCE + 1],
        ["future by a day", NOW + 86_400],
        ["at 0", 0],
      ] as const) {
        const stale = bodyOf(`evt_${name}`);
        const signed = sender.sign({ body: stale, id: `msg_${name}`, t, secret: sender.secret });
        attack(tally, sender, `timestamp ${name}`, await send(receiver, stale, signed), ["refused"]);
      }
      // The captured delivery with its timestamp header moved to now: the signature covers it.
      const moved = sender.sign({ body, id: `msg_${sender.name}`, t: NOW + 10, secret: sender.secret });
      const retimed = Object.fromEntries(
        Object.entries(headers).map(([k, v]) => [k, /timestamp/.test(k) ? (moved[k] ?? v) : v]),
      );
      if (sender.name === "stripe")
        retimed["stripe-signature"] = headers["stripe-signature"]!.replace(`t=${NOW}`, `t=${NOW + 10}`);
      attack(tally, sender, "timestamp header re-set", await send(receiver, body, retimed), [
        "duplicate",
        "refused",
      ]);
    }

    // Exactly one delivery reached onDelivery on either receiver: the control.
    expect(processed.length + restarted.processed.length).toBe(1);
  });

  it("refuses empty and short secrets at construction with a typed error", () => {
    const weak: Array<[string, string | string[], string]> = [
      ["empty", "", "/secret"],
      ["one byte", "s", "/secret"],
      ["15 bytes", "x".repeat(15), "/secret"],
      ["an empty list", [], "/secret"],
      ["an empty second secret in a rotation", [sender.secret, ""], "/secret/1"],
    ];
    if (sender.name === "standard-webhooks") {
      weak.push(["15 key bytes", `whsec_${Buffer.alloc(15, 7).toString("base64")}`, "/secret"]);
    }
    for (const [name, secret, path] of weak) {
      tally.cases += 1;
      let thrown: unknown;
      try {
        sender.scheme(secret);
      } catch (error) {
        thrown = error;
      }
      if (!(thrown instanceof ValidationError))
        tally.falseAccepts.push(`${sender.name}: secret ${name} accepted`);
      else
        expect({ name, code: thrown.code, path: thrown.path }).toEqual({ name, code: "INVALID_INPUT", path });
    }
    // The control: the sender's real secret constructs.
    expect(sender.scheme(sender.secret).name).toBe(sender.name.split("+")[0]);
  });
});

describe("legitimate retries are one delivery", () => {
  it("a sender's retry re-signed with a new timestamp is a duplicate, not a second delivery", async () => {
    for (const sender of senders) {
      const clock = { now: NOW };
      const { receiver, processed } = receiverOn(sender, memoryStore(), clock);
      const body = bodyOf(`evt_retry_${sender.name}`);
      expect(
        await send(receiver, body, sender.sign({ body, id: "msg_r", t: NOW, secret: sender.secret })),
      ).toBe("processed");
      clock.now = NOW + 120;
      const retry = sender.sign({ body, id: "msg_r", t: NOW + 120, secret: sender.secret });
      expect({ scheme: sender.name, outcome: await send(receiver, body, retry) }).toEqual({
        scheme: sender.name,
        outcome: "duplicate",
      });
      expect(processed).toHaveLength(1);
    }
  });

  it("dedupeTtlMs shorter than twice the tolerance is refused", () => {
    expect(() =>
      webhookReceiver({
        scheme: stripe({ secret: "whsec_stripe_attack_0123456789" }),
        store: memoryStore(),
        dedupeTtlMs: 599_999,
        onDelivery: () => {},
      }),
    ).toThrow(expect.objectContaining({ code: "INVALID_INPUT", path: "/dedupeTtlMs" }));
  });

  it("hmacScheme refuses templates that leave the body or the checked timestamp unsigned", () => {
    const secret = "acme-shared-secret-0001";
    const bad = [
      { payload: "{timestamp}", timestampHeader: "x-ts" },
      { payload: "{body}", timestampHeader: "x-ts" },
      { payload: "{timestamp}.{body}" },
      { payload: "{id}.{body}" },
    ];
    for (const options of bad) {
      tally.cases += 1;
      try {
        hmacScheme({ secret, header: "x-sig", ...options });
        tally.falseAccepts.push(`hmac: template ${options.payload} accepted`);
      } catch (error) {
        expect(error).toMatchObject({ code: "INVALID_INPUT", path: "/payload" });
      }
    }
  });
});

describe("the memory-only warning", () => {
  it("is emitted once, with a code, when only memory dedupes", async () => {
    // A fresh module instance: the warning is once per process (per module load).
    const { vi } = await import("vitest");
    vi.resetModules();
    const fresh = await import("./receiver");
    const emitted = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    try {
      const scheme = github({ secret: "It's a Secret to Everybody" });
      fresh.webhookReceiver({ scheme, onDelivery: () => {} });
      fresh.webhookReceiver({ scheme, onDelivery: () => {} });
      fresh.webhookReceiver({ scheme, store: memoryStore(), onDelivery: () => {} });
      const ours = emitted.mock.calls.filter(
        ([, options]) =>
          (options as { code?: string } | undefined)?.code === "SYNAPSEOPS_WEBHOOK_MEMORY_DEDUPE",
      );
      expect(ours).toHaveLength(1);
      expect(String(ours[0]?.[0])).toContain("accepted again after a restart");
    } finally {
      emitted.mockRestore();
    }
  });

  it("is not emitted for a durable store", async () => {
    const { vi } = await import("vitest");
    vi.resetModules();
    const fresh = await import("./receiver");
    const emitted = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    try {
      const durable = { ...memoryStore(), kind: "postgres" };
      fresh.webhookReceiver({
        scheme: github({ secret: "It's a Secret to Everybody" }),
        store: durable,
        onDelivery: () => {},
      });
      expect(emitted).not.toHaveBeenCalled();
    } finally {
      emitted.mockRestore();
    }
  });
});

// Durable dedupe: the replay key lives in PostgreSQL, so a restarted process (a new store
// instance, a new receiver) still refuses the replay.
const service = await checkTestService("postgres");
const schemas: string[] = [];
afterAll(async () => {
  if (schemas.length > 0) {
    const client = new pg.Client({ connectionString: service.url });
    await client.connect();
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
  process.stdout.write(
    `[figure] webhook attack suite: ${tally.cases} attack cases, ${tally.falseAccepts.length} false accepts\n`,
  );
  expect(tally.falseAccepts).toEqual([]);
});

describe.skipIf(Boolean(service.skip))("replay after a restart on the PostgreSQL store", () => {
  it.each(senders)("$name: the replay is a duplicate for a new process", async (sender) => {
    const schema = `so_webhook_${createHash("sha1").update(sender.name).digest("hex").slice(0, 8)}_${Date.now().toString(36)}`;
    schemas.push(schema);
    const clock = { now: NOW };
    const body = bodyOf(`evt_pg_${sender.name}`);
    const headers = sender.sign({ body, id: `msg_pg_${sender.name}`, t: NOW, secret: sender.secret });
    const first: Store = postgresStore({ connectionString: service.url }, { schema });
    const before = receiverOn(sender, first, clock);
    expect(await send(before.receiver, body, headers)).toBe("processed");
    await first.close();

    const second: Store = postgresStore({ connectionString: service.url }, { schema });
    try {
      const after = receiverOn(sender, second, clock);
      attack(
        tally,
        sender,
        "replay after a restart (PostgreSQL)",
        await send(after.receiver, body, headers),
        ["duplicate"],
      );
      for (const [name, changed] of idTricks(sender, headers)) {
        attack(
          tally,
          sender,
          `replay after a restart (PostgreSQL), ${name}`,
          await send(after.receiver, body, changed),
          ["duplicate", "refused"],
        );
      }
      expect(after.processed).toHaveLength(0);
    } finally {
      await second.close();
    }
  });
});
