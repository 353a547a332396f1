import { describe, expect, it } from "vitest";
import { LastInstantIso, LastParsedInstant } from "./last-instant-iso";

describe("LastInstantIso", () => {
  it("gives Date#toISOString for every instant, repeated or not", () => {
    const iso = new LastInstantIso();
    const instants = [0, 0, 1, 1_765_000_000_123, 1_765_000_000_123, 1_765_000_000_124, 1, -1_000];
    for (const ms of instants) expect(iso.of(ms)).toBe(new Date(ms).toISOString());
  });

  it("throws for an invalid instant, as toISOString does, even after one", () => {
    const iso = new LastInstantIso();
    expect(() => iso.of(Number.NaN)).toThrow(RangeError);
    expect(() => iso.of(Number.NaN)).toThrow(RangeError);
    expect(iso.of(5)).toBe(new Date(5).toISOString());
  });
});

describe("LastParsedInstant", () => {
  it("gives Date.parse for every text, repeated or not, invalid ones too", () => {
    const parsed = new LastParsedInstant();
    const texts = [
      "2026-12-08T00:40:00.123Z",
      "2026-12-08T00:40:00.123Z",
      "not a date",
      "1970-01-01T00:00:00.000Z",
    ];
    for (const text of texts) expect(parsed.of(text)).toBe(Date.parse(text));
  });
});
