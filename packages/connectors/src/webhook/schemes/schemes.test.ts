import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  constantTimeEqual,
  github,
  hmacScheme,
  shopify,
  signStandardWebhook,
  standardWebhooks,
  stripe,
  type WebhookScheme,
} from "../../index";

// Known answers given in issue 6, from the Standard Webhooks spec and GitHub's docs.
const SW = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};
const swNow = new Date(SW.timestamp * 1000);
const swHeaders = (signature = SW.signature, timestamp = SW.timestamp) => ({
  "webhook-id": SW.id,
  "webhook-timestamp": String(timestamp),
  "webhook-signature": signature,
});

describe("known answers", () => {
  it("Standard Webhooks: the spec's example verifies, and signing reproduces it", () => {
    const scheme = standardWebhooks({ secret: SW.secret });
    expect(scheme.verify({ rawBody: SW.body, headers: swHeaders(), now: swNow })).toEqual({
      ok: true,
      id: SW.id,
      idSigned: true,
      timestamp: SW.timestamp,
    });
    expect(
      signStandardWebhook({ secret: SW.secret, id: SW.id, timestamp: SW.timestamp, body: SW.body }),
    ).toEqual(swHeaders());
  });

  it("Standard Webhooks: svix-* header names are accepted (svix-compatible)", () => {
    const scheme = standardWebhooks({ secret: SW.secret });
    const headers = {
      "svix-id": SW.id,
      "svix-timestamp": String(SW.timestamp),
      "svix-signature": SW.signature,
    };
    expect(scheme.verify({ rawBody: SW.body, headers, now: swNow }).ok).toBe(true);
  });

  it("GitHub: the docs' example verifies", () => {
    const scheme = github({ secret: "It's a Secret to Everybody" });
    const headers = {
      "x-hub-signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
      "x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
    };
    expect(scheme.verify({ rawBody: "Hello, World!", headers })).toEqual({
      ok: true,
      id: "72d3162e-cc78-11e3-81ab-4c9367dc0958",
      idSigned: false,
      timestamp: undefined,
    });
  });

  it("Stripe signs `t.body` in hex with the secret string as-is; Shopify the raw body in base64", () => {
    const secret = "whsec_test_secret_0123";
    const body = '{"id":"evt_1","object":"event"}';
    const t = 1_700_000_000;
    const v1 = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
    expect(
      stripe({ secret }).verify({
        rawBody: body,
        headers: { "stripe-signature": `t=${t},v1=${v1}` },
        now: new Date(t * 1000),
      }),
    ).toEqual({ ok: true, id: "evt_1", idSigned: true, timestamp: t });
    const mac = createHmac("sha256", "shpss_secret_0123").update(body).digest("base64");
    expect(
      shopify({ secret: "shpss_secret_0123" }).verify({
        rawBody: body,
        headers: { "X-Shopify-Hmac-Sha256": mac, "X-Shopify-Webhook-Id": "b54557e4" },
      }),
    ).toEqual({ ok: true, id: "b54557e4", idSigned: false, timestamp: undefined });
  });
});

/** A signed delivery per scheme, and which of its bytes are covered by the signature. */
interface Case {
  scheme: WebhookScheme;
  body: string;
  headers: Record<string, string>;
  /** The signed header names (mutating an unsigned one, like GitHub's delivery id, is no forgery). */
  signed: string[];
  now: Date;
}

function cases(): Case[] {
  const now = new Date(1_700_000_000_000);
  const t = String(now.getTime() / 1000);
  const body = '{"id":"evt_9","amount":1234,"currency":"eur","note":"ünïcode ✓"}';
  const sw = signStandardWebhook({ secret: SW.secret, id: "msg_1", body, timestamp: Number(t) });
  const hex = (key: string, data: string) => createHmac("sha256", key).update(data).digest("hex");
  return [
    {
      scheme: standardWebhooks({ secret: SW.secret }),
      body,
      headers: { ...sw },
      signed: Object.keys(sw),
      now,
    },
    {
      scheme: stripe({ secret: "whsec_s_0123456789" }),
      body,
      headers: { "stripe-signature": `t=${t},v1=${hex("whsec_s_0123456789", `${t}.${body}`)}` },
      signed: ["stripe-signature"],
      now,
    },
    {
      scheme: github({ secret: "gh_secret_0123456" }),
      body,
      headers: {
        "x-hub-signature-256": `sha256=${hex("gh_secret_0123456", body)}`,
        "x-github-delivery": "d1",
      },
      signed: ["x-hub-signature-256"],
      now,
    },
    {
      scheme: shopify({ secret: "sh_secret_0123456" }),
      body,
      headers: {
        "x-shopify-hmac-sha256": createHmac("sha256", "sh_secret_0123456").update(body).digest("base64"),
      },
      signed: ["x-shopify-hmac-sha256"],
      now,
    },
    {
      scheme: hmacScheme({
        secret: "g_secret_01234567",
        header: "x-sig",
        prefix: "sha256=",
        timestampHeader: "x-ts",
      }),
      body,
      headers: { "x-sig": `sha256=${hex("g_secret_01234567", `${t}.${body}`)}`, "x-ts": t },
      signed: ["x-sig", "x-ts"],
      now,
    },
  ];
}

/** Deterministic PRNG (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

describe("required figures", () => {
  it("0 false accepts over 10,000 single-byte mutations of signed deliveries, per scheme", () => {
    const next = random(6);
    for (const sample of cases()) {
      expect(
        sample.scheme.verify({ rawBody: sample.body, headers: sample.headers, now: sample.now }).ok,
      ).toBe(true);
      const bodyBytes = Buffer.from(sample.body, "utf8");
      const fields = sample.signed.map((name) => Buffer.from(sample.headers[name] ?? "", "latin1"));
      const total = bodyBytes.length + fields.reduce((sum, field) => sum + field.length, 0);
      let accepted = 0;
      for (let i = 0; i < 10_000; i += 1) {
        let position = Math.floor(next() * total);
        const body = Buffer.from(bodyBytes);
        const headers = { ...sample.headers };
        const flip = 1 + Math.floor(next() * 255); // never 0: always a different byte
        if (position < body.length) {
          body[position] = (body[position] ?? 0) ^ flip;
        } else {
          position -= body.length;
          for (const [index, name] of sample.signed.entries()) {
            const field = Buffer.from(fields[index] ?? Buffer.alloc(0));
            if (position < field.length) {
              field[position] = (field[position] ?? 0) ^ flip;
              headers[name] = field.toString("latin1");
              break;
            }
            position -= field.length;
          }
        }
        if (sample.scheme.verify({ rawBody: body, headers, now: sample.now }).ok) accepted += 1;
      }
      expect({ scheme: sample.scheme.name, accepted }).toEqual({ scheme: sample.scheme.name, accepted: 0 });
    }
  });

  it("tolerance boundaries are exact: now−300 s and now+300 s pass, now−301 s and now+301 s fail", () => {
    const scheme = standardWebhooks({ secret: SW.secret });
    const at = (offset: number) => {
      const timestamp = SW.timestamp + offset;
      const headers = signStandardWebhook({ secret: SW.secret, id: SW.id, body: SW.body, timestamp });
      return scheme.verify({ rawBody: SW.body, headers, now: swNow });
    };
    expect(at(-300).ok).toBe(true);
    expect(at(300).ok).toBe(true);
    expect(at(-301)).toMatchObject({ ok: false, reason: "timestamp_out_of_tolerance" });
    expect(at(301)).toMatchObject({
      ok: false,
      reason: "timestamp_out_of_tolerance",
      message: expect.stringContaining("in the future"),
    });
    // The same boundaries for Stripe and the generic scheme.
    for (const sample of cases().filter((c) => c.scheme.name === "stripe" || c.scheme.name === "hmac")) {
      const shifted = (seconds: number) => new Date(sample.now.getTime() + seconds * 1000);
      const verify = (seconds: number) =>
        sample.scheme.verify({ rawBody: sample.body, headers: sample.headers, now: shifted(seconds) }).ok;
      expect([verify(300), verify(-300), verify(301), verify(-301)]).toEqual([true, true, false, false]);
    }
  });

  it("multiple signatures and unknown versions are parsed", () => {
    const scheme = standardWebhooks({ secret: SW.secret });
    const signature = SW.signature.slice(3);
    const verify = (header: string) =>
      scheme.verify({ rawBody: SW.body, headers: swHeaders(header), now: swNow });
    expect(verify(`v1a,${signature} v2,abc v1,AAAA${signature.slice(4)} ${SW.signature}`).ok).toBe(true);
    expect(verify(`v1a,${signature} v2,${signature}`)).toMatchObject({ ok: false, reason: "bad_signature" });
    const stripeCase = cases()[1]!;
    const real = stripeCase.headers["stripe-signature"]!;
    const v1 = real.split("v1=")[1]!;
    const header = `t=${real.slice(2, 12)},v0=${v1},v1=${"0".repeat(64)},v1=${v1},scheme9=x`;
    expect(
      stripeCase.scheme.verify({
        rawBody: stripeCase.body,
        headers: { "stripe-signature": header },
        now: stripeCase.now,
      }).ok,
    ).toBe(true);
  });

  it("a length mismatch returns false without throwing", () => {
    expect(constantTimeEqual("abc", "abcd")).toBe(false);
    expect(constantTimeEqual(new Uint8Array(0), new Uint8Array(32))).toBe(false);
    expect(constantTimeEqual("same", "same")).toBe(true);
    const scheme = github({ secret: "It's a Secret to Everybody" });
    for (const signature of ["sha256=", "sha256=757107", `sha256=${"7".repeat(65)}`, ""]) {
      expect(() =>
        scheme.verify({ rawBody: "Hello, World!", headers: { "x-hub-signature-256": signature } }),
      ).not.toThrow();
      expect(
        scheme.verify({ rawBody: "Hello, World!", headers: { "x-hub-signature-256": signature } }).ok,
      ).toBe(false);
    }
  });

  it("a re-serialised JSON body fails verification", () => {
    const scheme = standardWebhooks({ secret: SW.secret });
    const reserialised = JSON.stringify(JSON.parse(SW.body));
    expect(reserialised).not.toBe(SW.body);
    expect(scheme.verify({ rawBody: reserialised, headers: swHeaders(), now: swNow })).toMatchObject({
      ok: false,
      reason: "bad_signature",
    });
  });

  it("secret rotation: either of two secrets verifies; a bad secret string is refused up front", () => {
    const scheme = standardWebhooks({
      secret: ["whsec_" + Buffer.alloc(24, 1).toString("base64"), SW.secret],
    });
    expect(scheme.verify({ rawBody: SW.body, headers: swHeaders(), now: swNow }).ok).toBe(true);
    expect(() => standardWebhooks({ secret: "whsec_short" })).toThrow(
      expect.objectContaining({ code: "INVALID_INPUT", path: "/secret" }),
    );
  });

  it("missing and malformed headers are refusals, not exceptions", () => {
    expect(standardWebhooks({ secret: SW.secret }).verify({ rawBody: "{}", headers: {} })).toMatchObject({
      reason: "missing_header",
    });
    expect(
      standardWebhooks({ secret: SW.secret }).verify({
        rawBody: "{}",
        headers: swHeaders(SW.signature, Number.NaN),
      }),
    ).toMatchObject({ reason: "malformed_header" });
    expect(
      stripe({ secret: "whsec_s_0123456789" }).verify({
        rawBody: "{}",
        headers: { "stripe-signature": "v1=abc" },
      }),
    ).toMatchObject({
      reason: "malformed_header",
    });
  });
});
