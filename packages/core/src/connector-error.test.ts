import { describe, expect, it } from "vitest";
import {
  ConnectorError,
  connectorErrorFromStatus,
  isRetryableNetworkError,
  isRetryableStatus,
  parseRetryAfter,
} from "./connector-error";

describe("retry classification", () => {
  it.each([
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [409, false],
    [422, false],
    [408, true],
    [425, true],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
  ])("status %i retryable: %s", (status, retryable) => {
    expect(isRetryableStatus(status)).toBe(retryable);
    expect(connectorErrorFromStatus(status, "x").retryable).toBe(retryable);
  });

  it("recognises network errors anywhere in the cause chain", () => {
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    expect(isRetryableNetworkError(reset)).toBe(true);
    expect(isRetryableNetworkError(new TypeError("fetch failed", { cause: reset }))).toBe(true);
    expect(isRetryableNetworkError(new DOMException("timed out", "TimeoutError"))).toBe(true);
    expect(isRetryableNetworkError(new Error("bad json"))).toBe(false);
  });

  it("is a SynapseError with a stable code", () => {
    const error = ConnectorError.nonRetryable("rejected", { status: 422 });
    expect(error).toMatchObject({
      code: "CONNECTOR_FAILED",
      retryable: false,
      status: 422,
      name: "ConnectorError",
    });
  });
});

describe("parseRetryAfter (RFC 9110 §10.2.3)", () => {
  const now = new Date("2026-11-25T10:00:00Z");
  it("reads delay-seconds and HTTP-dates", () => {
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("0", now)).toBe(0);
    expect(parseRetryAfter("Wed, 25 Nov 2026 10:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Wed, 25 Nov 2026 09:00:00 GMT", now)).toBe(0);
  });
  it.each([
    [undefined],
    [null],
    [""],
    ["-5"],
    ["1.5"],
    ["soon"],
    ["2026-11-25T10:00:30Z"],
    ["Wed, 99 Nov 2026 10:00:30 GMT"],
  ])("falls back (undefined) on %j", (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});
