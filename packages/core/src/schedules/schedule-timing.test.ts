// issue 20: tick instants across DST changes and time zones, computed by croner.
import { describe, expect, it } from "vitest";
import { ErrorCode, ScheduleInvalidError } from "../errors";
import { missedAt, tickClock, ticksBetween } from "./schedule-timing";

const anchor = new Date("2026-01-01T00:00:00.000Z");
const iso = (dates: Date[]): string[] => dates.map((d) => d.toISOString());
const nextN = (clock: ReturnType<typeof tickClock>, after: string, n: number): string[] => {
  const out: Date[] = [];
  let at = new Date(after);
  for (let i = 0; i < n; i += 1) {
    const next = clock.next(at);
    if (next === undefined) break;
    out.push(next);
    at = next;
  }
  return iso(out);
};

describe("tickClock (cron)", () => {
  it("fires a daily time that falls in the spring-forward gap once, at the end of the gap (Europe/Paris)", () => {
    const clock = tickClock({ cron: "30 2 * * *", timeZone: "Europe/Paris" }, anchor);
    // 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00Z); 02:30 does not exist that day.
    expect(nextN(clock, "2026-03-27T12:00:00Z", 3)).toEqual([
      "2026-03-28T01:30:00.000Z", // 02:30 CET
      "2026-03-29T01:00:00.000Z", // 03:00 CEST, the first instant after the gap
      "2026-03-30T00:30:00.000Z", // 02:30 CEST
    ]);
  });

  it("fires a daily time that occurs twice at fall-back once (Europe/Paris)", () => {
    const clock = tickClock({ cron: "30 2 * * *", timeZone: "Europe/Paris" }, anchor);
    // 2026-10-25: 03:00 CEST falls back to 02:00 CET (01:00Z); 02:30 happens at 00:30Z and 01:30Z.
    expect(nextN(clock, "2026-10-24T12:00:00Z", 3)).toEqual([
      "2026-10-25T00:30:00.000Z",
      "2026-10-26T01:30:00.000Z",
      "2026-10-27T01:30:00.000Z",
    ]);
  });

  it("fires an hourly schedule every real hour across fall-back: 25 ticks that local day", () => {
    const clock = tickClock({ cron: "0 * * * *", timeZone: "Europe/Paris" }, anchor);
    // Local 2026-10-25 runs from 2026-10-24T22:00Z to 2026-10-25T23:00Z: 25 hours.
    const ticks = ticksBetween(
      clock,
      new Date("2026-10-24T21:59:59.999Z"),
      new Date("2026-10-25T22:59:59.999Z"),
      100,
    );
    expect(ticks).toHaveLength(25);
    const spacing = new Set(ticks.slice(1).map((t, i) => t.getTime() - ticks[i]!.getTime()));
    expect([...spacing]).toEqual([3_600_000]);
  });

  it("follows a zone's own DST dates (America/New_York, second Sunday of March)", () => {
    const clock = tickClock({ cron: "0 9 * * 1-5", timeZone: "America/New_York" }, anchor);
    expect(nextN(clock, "2026-03-06T00:00:00Z", 3)).toEqual([
      "2026-03-06T14:00:00.000Z", // Friday 09:00 EST
      "2026-03-09T13:00:00.000Z", // Monday 09:00 EDT
      "2026-03-10T13:00:00.000Z",
    ]);
  });

  it("reads half-hour offsets (Asia/Kolkata, UTC+05:30) and defaults to UTC", () => {
    expect(
      nextN(tickClock({ cron: "0 0 * * *", timeZone: "Asia/Kolkata" }, anchor), "2026-01-01T00:00:00Z", 1),
    ).toEqual(["2026-01-01T18:30:00.000Z"]);
    expect(
      nextN(tickClock({ cron: "0 0 * * *", timeZone: "UTC" }, anchor), "2026-01-01T00:00:00Z", 1),
    ).toEqual(["2026-01-02T00:00:00.000Z"]);
  });

  it("takes a seconds field, and previous() agrees with next() (a tick at the reference included)", () => {
    const clock = tickClock({ cron: "*/15 * * * * *", timeZone: "UTC" }, anchor);
    const at = new Date("2026-01-01T00:01:00.000Z");
    expect(iso(clock.previous(3, at))).toEqual([
      "2026-01-01T00:01:00.000Z",
      "2026-01-01T00:00:45.000Z",
      "2026-01-01T00:00:30.000Z",
    ]);
    expect(clock.next(new Date("2026-01-01T00:00:30.000Z"))?.toISOString()).toBe("2026-01-01T00:00:45.000Z");
  });

  it("refuses an invalid cron expression and an unknown time zone with SCHEDULE_INVALID and a pointer", () => {
    const bad = (timing: Parameters<typeof tickClock>[0]) => {
      try {
        tickClock(timing, anchor);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const cron = bad({ cron: "61 * * * *", timeZone: "UTC" });
    expect(cron).toBeInstanceOf(ScheduleInvalidError);
    expect(cron).toMatchObject({ code: ErrorCode.SCHEDULE_INVALID, path: "/timing/cron" });
    expect(bad({ cron: "every day", timeZone: "UTC" })).toMatchObject({ path: "/timing/cron" });
    const zone = bad({ cron: "* * * * *", timeZone: "Mars/Olympus_Mons" });
    expect(zone).toBeInstanceOf(ScheduleInvalidError);
    expect(zone).toMatchObject({ code: ErrorCode.SCHEDULE_INVALID, path: "/timing/timeZone" });
  });
});

describe("tickClock (interval)", () => {
  it("counts ticks from the anchor, or from the schedule's creation", () => {
    const clock = tickClock({ everyMs: 1000 }, new Date("2026-01-01T00:00:00.250Z"));
    expect(nextN(clock, "2026-01-01T00:00:01.000Z", 2)).toEqual([
      "2026-01-01T00:00:01.250Z",
      "2026-01-01T00:00:02.250Z",
    ]);
    const anchored = tickClock({ everyMs: 60_000, anchor: "2026-01-01T00:00:30.000Z" }, anchor);
    expect(iso(anchored.previous(2, new Date("2026-01-01T00:05:00.000Z")))).toEqual([
      "2026-01-01T00:04:30.000Z",
      "2026-01-01T00:03:30.000Z",
    ]);
  });

  it("counts a tick missed when the next is due, or 60 s after it for sparse ticks", () => {
    const fast = tickClock({ everyMs: 1000 }, anchor);
    expect(missedAt(fast, new Date("2026-01-01T00:00:05.000Z"))).toBe(Date.parse("2026-01-01T00:00:06.000Z"));
    const hourly = tickClock({ cron: "0 * * * *", timeZone: "UTC" }, anchor);
    expect(missedAt(hourly, new Date("2026-01-01T05:00:00.000Z"))).toBe(
      Date.parse("2026-01-01T05:01:00.000Z"),
    );
  });
});
