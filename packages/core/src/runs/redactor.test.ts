import { describe, expect, it } from "vitest";
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
});
