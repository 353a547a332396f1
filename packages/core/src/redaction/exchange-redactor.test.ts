import { describe, expect, it } from "vitest";
import { createExchangeRedactor, ErrorCode, ValidationError } from "../index";

// Canaries: each must be gone from every position after redaction. `needle` is what is searched
// for in the output (separators stripped for numbers, so a half-hidden card still counts).
const CANARIES = {
  email: { value: "canary.person@example-mail.com", needle: "canary.person" },
  card: { value: "4111 1111 1111 1111", needle: "4111111111111111" },
  cardDashed: { value: "5555-5555-5555-4444", needle: "5555555555554444" },
  amex: { value: "378282246310005", needle: "378282246310005" },
  iban: { value: "DE89 3704 0044 0532 0130 00", needle: "370400440532013000" },
  ibanCompact: { value: "GB82WEST12345698765432", needle: "WEST12345698765432" },
  phone: { value: "+44 20 7946 0958", needle: "2079460958" },
  phoneE164: { value: "+14155552671", needle: "4155552671" },
  phoneNanp: { value: "(212) 555-0199", needle: "5550199" },
  bearer: { value: "Bearer canaryBearer7f3a9c", needle: "canaryBearer7f3a9c" },
  jwt: {
    value: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlY2FuYXJ5",
    needle: "eyJzdWIiOiJjYW5hcnkifQ",
  },
  stripeKey: { value: "sk_live_canary51Hx0aBcDeFg", needle: "canary51Hx0aBcDeFg" },
  secret: { value: "canary-known-secret-77", needle: "canary-known-secret-77" },
} as const;

const ALL = Object.values(CANARIES)
  .map((canary) => canary.value)
  .join(" ; ");

/** Every needle still present in a redacted value, looking at its JSON with separators removed. */
function leaks(value: unknown): string[] {
  const text = JSON.stringify(value) ?? "";
  let decoded = text;
  try {
    decoded = decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    // Not percent-encoded.
  }
  const squashed = `${text} ${decoded}`.replace(/[\s-]/g, "");
  return Object.entries(CANARIES)
    .filter(([, canary]) => `${text} ${decoded}`.includes(canary.needle) || squashed.includes(canary.needle))
    .map(([name]) => name);
}

const redactor = createExchangeRedactor({
  secrets: [CANARIES.secret.value],
  headers: ["x-customer-ref"],
  queryParams: ["ssn"],
  keys: ["dateOfBirth"],
  paths: ["$.customer.name", "$.items[*].shipTo", "$['billing address'].line1"],
});

describe("createExchangeRedactor: canaries in every position", () => {
  const exchange = {
    request: {
      method: "POST",
      url:
        `https://user:${encodeURIComponent(CANARIES.secret.value)}@api.example.com/customers/` +
        `${encodeURIComponent(CANARIES.email.value)}/cards?card=${encodeURIComponent(CANARIES.card.value)}` +
        `&phone=${encodeURIComponent(CANARIES.phone.value)}&q=${encodeURIComponent(ALL)}&page=2#${CANARIES.phoneE164.value}`,
      headers: {
        authorization: CANARIES.bearer.value,
        cookie: `session=${CANARIES.jwt.value}`,
        "x-api-key": CANARIES.stripeKey.value,
        "x-note": ALL,
        "content-type": "application/json",
      },
      body: {
        note: ALL,
        customer: { email: CANARIES.email.value, phone: CANARIES.phoneNanp.value, iban: CANARIES.iban.value },
        payment: { card: { number: CANARIES.cardDashed.value, amex: Number(CANARIES.amex.value) } },
        tags: [CANARIES.ibanCompact.value, [CANARIES.phoneE164.value, { deep: [ALL] }]],
        [CANARIES.email.value]: "keyed by email",
        auth: { client_secret: "whatever", access_token: "anything" },
      },
    },
    response: {
      status: 422,
      headers: { "content-type": "application/problem+json", "set-cookie": `sid=${CANARIES.secret.value}` },
      body: { type: "about:blank", title: "Invalid", detail: `rejected: ${ALL}`, errors: [{ detail: ALL }] },
    },
    error: `socket hang up talking to ${ALL}`,
  };

  it("leaves no canary in the URL, headers, nested bodies, arrays, error bodies or error text", () => {
    const redacted = redactor.redact(exchange);
    expect(leaks(redacted.request.url)).toEqual([]);
    expect(leaks(redacted.request.headers)).toEqual([]);
    expect(leaks(redacted.request.body)).toEqual([]);
    expect(leaks(redacted.response)).toEqual([]);
    expect(leaks(redacted.error)).toEqual([]);
    // The test's own check works: the input still has every canary, and was not mutated.
    expect(leaks(exchange).sort()).toEqual(Object.keys(CANARIES).sort());
  });

  it("leaves no canary in a text body, a form body or a JSON text sent as text", () => {
    for (const [contentType, body] of [
      ["text/plain", `Dear customer,\n${ALL}\nRegards`],
      [
        "application/x-www-form-urlencoded",
        new URLSearchParams({ note: ALL, password: "pw1234567" }).toString(),
      ],
      ["text/plain", JSON.stringify({ password: "x", nested: [{ note: ALL }] })],
    ] as const) {
      const redacted = redactor.redact({
        request: { method: "POST", url: "/x", headers: { "content-type": contentType }, body },
        response: { status: 500, headers: { "content-type": contentType }, body },
      });
      expect(leaks(redacted)).toEqual([]);
    }
  });

  it("keeps the kind in the marker and the scheme of an Authorization header", () => {
    const redacted = redactor.redact(exchange);
    expect(redacted.request.headers.authorization).toBe("Bearer [REDACTED:secret]");
    expect(redacted.request.headers["x-api-key"]).toBe("[REDACTED:secret]");
    expect(redacted.request.body.customer).toEqual({
      email: "[REDACTED:email]",
      phone: "[REDACTED:phone]",
      iban: "[REDACTED:iban]",
    });
    expect(redacted.request.body.payment.card).toEqual({
      number: "[REDACTED:card]",
      amex: "[REDACTED:card]",
    });
    expect(redacted.request.body.auth).toEqual({
      client_secret: "[REDACTED:secret]",
      access_token: "[REDACTED:secret]",
    });
    expect(redacted.request.url).toMatch(
      /^https:\/\/\[REDACTED:secret\]@api\.example\.com\/customers\/\[REDACTED:email\]\/cards\?card=\[REDACTED:card\]&phone=\[REDACTED:phone\]&q=.*&page=2#\[REDACTED:phone\]$/,
    );
  });

  it("hides the host's header names, query parameters, keys and paths as fields", () => {
    const redacted = redactor.redact({
      request: {
        method: "POST",
        url: "https://api.example.com/people?ssn=078-05-1120&SSN=1&page=3",
        headers: { "X-Customer-Ref": "cust-42" },
        body: {
          customer: { name: "Ada Lovelace", id: 7 },
          items: [
            { shipTo: { street: "1 Main St" }, sku: "A" },
            { shipTo: "home", sku: "B" },
          ],
          "billing address": { line1: "2 High St", city: "London" },
          profile: { date_of_birth: "1815-12-10", DateOfBirth: null },
        },
      },
    });
    expect(redacted.request.url).toBe(
      "https://api.example.com/people?ssn=[REDACTED:field]&SSN=[REDACTED:field]&page=3",
    );
    expect(redacted.request.headers).toEqual({ "X-Customer-Ref": "[REDACTED:field]" });
    expect(redacted.request.body).toEqual({
      customer: { name: "[REDACTED:field]", id: 7 },
      items: [
        { shipTo: "[REDACTED:field]", sku: "A" },
        { shipTo: "[REDACTED:field]", sku: "B" },
      ],
      "billing address": { line1: "[REDACTED:field]", city: "London" },
      profile: { date_of_birth: "[REDACTED:field]", DateOfBirth: null },
    });
  });

  it("switches each detector off on its own", () => {
    const text = `${CANARIES.email.value} ${CANARIES.card.value} ${CANARIES.iban.value} ${CANARIES.phone.value} ${CANARIES.bearer.value}`;
    const kinds = ["email", "card", "iban", "phone", "token"] as const;
    for (const kind of kinds) {
      const only = createExchangeRedactor({ detectors: { [kind]: false } }).redactText(text);
      expect(only).not.toContain(`[REDACTED:${kind}]`);
      for (const other of kinds.filter((name) => name !== kind))
        expect(only).toContain(`[REDACTED:${other}]`);
    }
    const noCredentials = createExchangeRedactor({ detectors: { credentials: false } });
    expect(noCredentials.redactHeaders({ "x-api-key": "plain-key-value" })).toEqual({
      "x-api-key": "plain-key-value",
    });
    expect(redactor.redactHeaders({ "x-api-key": "plain-key-value" })).toEqual({
      "x-api-key": "[REDACTED:secret]",
    });
  });

  it("leaves an untouched URL byte for byte, encoding included", () => {
    const url = "https://api.example.com/a%20b/orders?filter=status%3Dopen&sort=-created&x=1+2";
    expect(redactor.redactUrl(url)).toBe(url);
  });

  it("rejects a path that does not parse, naming the path and where", () => {
    let caught: unknown;
    try {
      createExchangeRedactor({ paths: ["$.ok", "$.items[x]"] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect(caught).toMatchObject({ code: ErrorCode.INVALID_INPUT, path: "/paths/1" });
    expect((caught as Error).message).toBe(
      "redaction path \"$.items[x]\": expected `[*]`, `[index]` or `['name']` at character 8",
    );
  });
});

describe("createExchangeRedactor: no false positives", () => {
  it("leaves a realistic order exchange exactly as it was", () => {
    const order = {
      id: "ord_01HZX3K9Q7V8B2N4M6P0R5T1W3",
      orderNumber: "SO-2024-000123",
      uuid: "550e8400-e29b-41d4-a716-446655440000",
      createdAt: "2024-05-01T10:15:30+02:00",
      updatedAt: "2024-05-01T08:15:30.123Z",
      timestampMs: 1714551330123,
      timestampText: "1714551330123",
      epoch: 1714551330,
      total: "1234567.89",
      amount: 1234567.89,
      balanceDelta: "+1500.50",
      largeDelta: "+12345678.90",
      taxRate: "+19.00",
      currency: "EUR",
      status: "confirmed",
      version: "2.14.1",
      ip: "192.168.100.200",
      customerId: 12345678901234,
      accountNumber: "20240501101530",
      gtin: "4006381333931",
      trackingNumber: "1Z999AA10123456784",
      lines: [
        { sku: "A-1001", qty: 2, price: 9.95, description: "Blue mug, 350 ml (2 pack)" },
        { sku: "B-2002", qty: 1, price: 1299.0, description: "Desk 160x80 cm" },
      ],
      shipping: { method: "DHL Express", zip: "10115", city: "Berlin", country: "DE" },
      note: "Deliver between 09:00 and 17:00, ring twice. Ref 2024-05-01/4471",
      token_type: "Bearer",
      expires_in: 3600,
    };
    const exchange = {
      request: {
        method: "POST",
        url: "https://erp.example.com/v2/sales-orders?page=2&limit=50&since=2024-05-01T00:00:00%2B02:00",
        headers: {
          "content-type": "application/json",
          "idempotency-key": "9f1c2d3e-4b5a-6789-abcd-ef0123456789",
          "x-request-id": "req_8842113",
          "user-agent": "synapseops/0.1 node/20.20.2",
        },
        body: order,
      },
      response: {
        status: 201,
        headers: { "content-type": "application/json", etag: 'W/"1714551330"' },
        body: order,
      },
    };
    expect(redactor.redact(exchange)).toEqual(exchange);
  });
});
