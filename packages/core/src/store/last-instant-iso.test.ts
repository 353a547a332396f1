import { describe, expect, it } from "vitest";
import { LastInstantIso } from "./last-instant-iso";

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
