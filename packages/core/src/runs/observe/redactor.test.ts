import { describe, expect, it } from "vitest";
import { credentialTextPatterns, mayHoldCredentials } from "../../redaction/credential-rules";
import { REDACTED, Redactor } from "./redactor";

describe("Redactor", () => {
  it("hides sensitive keys at any depth and in any case or separator style", () => {
    const redactor = new Redactor({ keys: ["customer_ssn"] });
    const input = {
      headers: { Authorization: "Bearer abc", "x-api-key": "k", COOKIE: "c", "Set-Cookie": ["a"] },
      nested: [{ client_secret: "s", Customer_SSN: "123", CustomerSsn: "456", note: "fine" }],
      password: null,
    };
    expect(redactor.redact(input)).toEqual({
      headers: { Authorization: REDACTED, "x-api-key": REDACTED, COOKIE: REDACTED, "Set-Cookie": REDACTED },
      nested: [{ client_secret: REDACTED, Customer_SSN: REDACTED, CustomerSsn: REDACTED, note: "fine" }],
      password: null,
    });
    expect(input.headers.Authorization).toBe("Bearer abc");
  });

  it("hides registered secret values inside any text, case-insensitively", () => {
    const redactor = new Redactor({ secrets: ["Sup3rSecretValue"] });
    redactor.addSecret("ab");
    expect(redactor.redactText("failed with SUP3RSECRETVALUE and sup3rsecretvalue; ab stays")).toBe(
      `failed with ${REDACTED} and ${REDACTED}; ab stays`,
    );
  });

  it("hides credentials in URLs, auth schemes and query strings", () => {
    const redactor = new Redactor();
    expect(redactor.redactText("connect postgres://app:hunter22@db:5432/x failed")).toBe(
      `connect postgres://app:${REDACTED}@db:5432/x failed`,
    );
    expect(redactor.redactText("Authorization: Bearer eyJhbGciOi.xyz")).toBe(
      `Authorization: Bearer ${REDACTED}`,
    );
    expect(redactor.redactText("GET /x?api_key=abcdef&page=2")).toBe(`GET /x?api_key=${REDACTED}&page=2`);
  });

  // issue 21: texts without a hint skip the credential patterns; the hint must cover them all.
  it("skips the credential patterns only for texts none of them could change", () => {
    const texts = [
      "connect postgres://app:hunter22@db:5432/x failed",
      "HTTPS://u:p4ss@host/",
      "Authorization: Bearer eyJhbGciOi.xyz",
      "BASIC dXNlcjpwYXNz",
      "token abcdefgh",
      "GET /x?api_key=abcdef&page=2",
      "PASSWORD=hunter2",
      "Access-Token=zzz",
      "order o-17 of 12.50 EUR",
      "https://example.com/path",
    ];
    for (const text of texts) {
      const changed = credentialTextPatterns(REDACTED).some(
        ([pattern, marker]) => text.replace(pattern, marker) !== text,
      );
      if (changed) expect(mayHoldCredentials(text), text).toBe(true);
    }
    expect(mayHoldCredentials("order o-17 of 12.50 EUR")).toBe(false);
    expect(new Redactor().redactText("order o-17 of 12.50 EUR")).toBe("order o-17 of 12.50 EUR");
  });

  it("still hides sensitive keys past the number of keys it remembers", () => {
    const redactor = new Redactor();
    const many = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`field_${i}`, i]));
    expect(redactor.redact({ ...many, Api_Key: "k", password: "p" })).toMatchObject({
      field_0: 0,
      field_4999: 4999,
      Api_Key: REDACTED,
      password: REDACTED,
    });
    expect(redactor.redact({ apiKey: "k", note: "fine" })).toEqual({ apiKey: REDACTED, note: "fine" });
  });

  it("turns errors into plain objects with their cause, without stacks, and survives cycles", () => {
    const redactor = new Redactor({ secrets: ["tok_123456"] });
    const cause = Object.assign(new Error("upstream said tok_123456"), {
      config: { headers: { authorization: "x" } },
    });
    const error = new Error("call failed", { cause });
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const result = redactor.redact({ error, cyclic }) as unknown as {
      error: Record<string, unknown>;
      cyclic: Record<string, unknown>;
    };
    expect(result.error.message).toBe("call failed");
    expect(result.error.stack).toBeUndefined();
    expect(result.error.cause).toMatchObject({
      message: `upstream said ${REDACTED}`,
      config: { headers: { authorization: REDACTED } },
    });
    expect(result.cyclic.self).toBe("[Circular]");
  });

  // issue 21: a stored idempotency result is redacted frozen, so the memory store need not copy it.
  it("makes the same redacted copy frozen at every level with redactFrozen", () => {
    const redactor = new Redactor({ secrets: ["tok_123456"] });
    const value = { id: "r-1", password: "p", lines: [{ note: "tok_123456" }], at: new Date(0) };
    const frozen = redactor.redactFrozen(value);
    expect(frozen).toStrictEqual(redactor.redact(value));
    expect(Object.isFrozen(frozen)).toBe(true);
    expect(Object.isFrozen(frozen.lines)).toBe(true);
    expect(Object.isFrozen(frozen.lines[0])).toBe(true);
    expect(Object.isFrozen(value)).toBe(false);
    expect(Object.isFrozen(redactor.redact(value))).toBe(false);
  });
});

// issue 16: key-based redaction missed values quoted inside strings — a target echoing the
// record in its error body put a card number into logs, events and dead letters.
describe("Redactor value detectors", () => {
  const CARD = "4111 1111 1111 1111";
  const EMAIL = "jane.doe@example.com";
  const echo = `POST /orders 422: {"record":{"card":"${CARD}","email":"${EMAIL}","iban":"DE89 3704 0044 0532 0130 00"}}`;

  it("hides cards, IBANs and tokens inside any string by default, whatever key holds it", () => {
    const redactor = new Redactor();
    const out = redactor.redact({
      error: { message: echo },
      note: "key sk_live_abcdefghijklmnop1234 and jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
      hex: "secret 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 leaked",
      base64: "key Zm9vYmFyQmF6UXV4MTIzNDU2Nzg5MGFiY2RlZkdISUpLTE1OT1A= leaked",
      number: 4111111111111111,
    });
    const text = JSON.stringify(out);
    expect(text).not.toContain("4111");
    expect(text).not.toContain("DE89");
    expect(text).not.toContain("sk_live");
    expect(text).not.toContain("eyJhbGci");
    expect(text).not.toContain("9f86d081");
    expect(text).not.toContain("Zm9vYmFy");
    expect(text).toContain("[REDACTED:card]");
    expect(text).toContain("[REDACTED:iban]");
    // emails are off by default: often a record's own identifier
    expect(text).toContain(EMAIL);
    expect(out.number).toBe("[REDACTED:card]");
  });

  it("hides emails when enabled and lets a host switch a default off", () => {
    const redactor = new Redactor({ detectors: { email: true, card: false } });
    const text = redactor.redactText(echo);
    expect(text).not.toContain(EMAIL);
    expect(text).toContain("[REDACTED:email]");
    expect(text).toContain(CARD);
  });

  it("leaves order ids, amounts, timestamps, uuids and paths alone", () => {
    const redactor = new Redactor({ detectors: { email: true, phone: true } });
    const plain =
      "order 100234 total 1299.50 at 2024-05-01T10:00:00+02:00 ts 1714550400000 id 3f2a9c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6b path /Users/Alice/Documents/Reports2024/Q1/summary-final";
    expect(redactor.redactText(plain)).toBe(plain);
  });

  it("keeps records replayable: redactRecord hides credentials but not the detectors' findings", () => {
    const redactor = new Redactor({ detectors: { email: true } });
    expect(redactor.redactRecord({ card: CARD, email: EMAIL, password: "x" })).toEqual({
      card: CARD,
      email: EMAIL,
      password: REDACTED,
    });
  });

  it("hides an email or card number cut off by an excerpt", () => {
    const redactor = new Redactor({ detectors: { email: true } });
    const text = redactor.redactText('422 — {"note":"for jane.doe@examp…');
    expect(text).toBe('422 — {"note":"for [REDACTED:email]…');
    expect(redactor.redactText("card 4111 1111 11...")).toBe("card [REDACTED:card]...");
    expect(redactor.redactText("order 12345…")).toBe("order 12345…");
  });

  it("is idempotent: an already redacted text keeps its markers", () => {
    const redactor = new Redactor();
    const once = redactor.redactText(`postgres://app:hunter22@db/x ?token=abcdef ${CARD}`);
    expect(redactor.redactText(once)).toBe(once);
  });

  // Issue 22: every refreshed token used to be registered forever.
  it("keeps a rotating connection's live tokens hidden after many rotations, in bounded memory", () => {
    const redactor = new Redactor({ secrets: ["configured-secret-0001"] });
    const token = (n: number): string => `access-${n}-${(n * 7919).toString(36)}-zz`;
    for (let n = 0; n < 5_000; n += 1) {
      redactor.replaceSecrets("connection:a", [token(n), `refresh-${n}-kept`]);
      redactor.replaceSecrets("connection:b", [`b-token-${n}-xx`]);
    }
    const text = (n: number): string => `peer echoed ${token(n)}`;
    // The live token, and the one it replaced (a call may still be in flight with it).
    expect(redactor.redactText(text(4_999))).toBe(`peer echoed ${REDACTED}`);
    expect(redactor.redactText(text(4_998))).toBe(`peer echoed ${REDACTED}`);
    expect(redactor.redactText("refresh-4999-kept b-token-4999-xx")).toBe(`${REDACTED} ${REDACTED}`);
    // Retired generations are forgotten: that is what bounds memory.
    expect(redactor.redactText(text(4_000))).toBe(text(4_000));
    // 1 configured + connection a: 2 generations × 2 values + connection b: 2 generations × 1.
    expect(redactor.secretCount).toBe(1 + 4 + 2);
    expect(redactor.redactText("configured-secret-0001")).toBe(REDACTED);
  });

  it("does not lose a connection's newer token to a stale read registering the older one", () => {
    const redactor = new Redactor();
    redactor.replaceSecrets("connection:a", ["token-one-1111"]);
    redactor.replaceSecrets("connection:a", ["token-two-2222"]);
    redactor.replaceSecrets("connection:a", ["token-one-1111"]);
    expect(redactor.redactText("token-one-1111 token-two-2222")).toBe(`${REDACTED} ${REDACTED}`);
    redactor.dropSecrets("connection:a");
    expect(redactor.redactText("token-one-1111")).toBe("token-one-1111");
    expect(redactor.secretCount).toBe(0);
  });

  it("keeps the most recently used resolved secrets up to maxSecrets, and configured ones always", () => {
    const redactor = new Redactor({ secrets: ["configured-1234"], maxSecrets: 3 });
    redactor.pinSecret("client-secret-5678");
    for (const value of ["first-1111", "second-2222", "third-3333"]) redactor.addSecret(value);
    redactor.addSecret("first-1111"); // used again: now the most recent
    redactor.addSecret("fourth-4444");
    expect(redactor.redactText("first-1111 second-2222 third-3333 fourth-4444")).toBe(
      `${REDACTED} second-2222 ${REDACTED} ${REDACTED}`,
    );
    for (let n = 0; n < 1_000; n += 1) redactor.addSecret(`churn-${n}-value`);
    expect(redactor.secretCount).toBe(2 + 3);
    expect(redactor.redactText("configured-1234 client-secret-5678")).toBe(`${REDACTED} ${REDACTED}`);
    expect(() => new Redactor({ maxSecrets: 0 })).toThrow(/maxSecrets must be a positive integer/);
  });
});

describe("the card detector's pre-check (issue 21)", () => {
  const redactor = new Redactor();

  it("still finds cards written with single spaces or dashes, or as numbers", () => {
    expect(redactor.redactText("ref 3782-822463-10005 ok")).toBe("ref [REDACTED:card] ok");
    expect(redactor.redactText("4111 1111 1111 1111")).toBe("[REDACTED:card]");
    expect(redactor.redact({ n: 4111111111111111, m: 41 })).toEqual({ n: "[REDACTED:card]", m: 41 });
  });

  it("leaves texts and numbers too short for a card as they are", () => {
    for (const text of ["r-1234", "order 12-345 of 2026-12-07", "4111  1111  1111  1111"])
      expect(redactor.redactText(text)).toBe(text);
    expect(redactor.redact({ amount: 999_999_999_999 })).toEqual({ amount: 999_999_999_999 });
  });
});
