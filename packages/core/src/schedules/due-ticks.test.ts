// issue 20: which ticks a worker tries to claim, per missed-tick policy.
import { describe, expect, it } from "vitest";
import { dueTicks } from "./due-ticks";
import type { MissedTickPolicy } from "./schedule";
import { tickClock } from "./schedule-timing";

const since = new Date("2026-01-01T00:00:00.000Z");
const everySecond = tickClock({ everyMs: 1000 }, since);
const at = (s: number): Date => new Date(since.getTime() + s * 1000);
const due = (policy: MissedTickPolicy, now: Date, claimed: number[] = []): number[] =>
  dueTicks(
    { clock: everySecond, policy, activeSince: since, now },
    new Set(claimed.map((s) => at(s).getTime())),
  ).map((tick) => (tick.getTime() - since.getTime()) / 1000);

describe("dueTicks", () => {
  it("fires the tick on time under every policy, and nothing at or before activeSince", () => {
    for (const policy of [
      { policy: "none" },
      { policy: "latest" },
      { policy: "all", max: 5 },
    ] as MissedTickPolicy[]) {
      expect(due(policy, at(10.2), [1, 2, 3, 4, 5, 6, 7, 8, 9])).toEqual([10]);
      expect(due(policy, at(10.2), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toEqual([]);
      expect(due(policy, at(0.5))).toEqual([]);
    }
  });

  it("after 10 s of downtime: none drops the missed ticks, latest fires one, all fires up to max", () => {
    // Ticks 1–5 fired; every worker was down from 5.5 s to 15.5 s (ticks 6–15 due meanwhile).
    const claimed = [1, 2, 3, 4, 5];
    expect(due({ policy: "none" }, at(15.5), claimed)).toEqual([15]);
    expect(due({ policy: "latest" }, at(15.5), claimed)).toEqual([15]);
    expect(due({ policy: "all", max: 3 }, at(15.5), claimed)).toEqual([12, 13, 14, 15]);
    expect(due({ policy: "all", max: 100 }, at(15.5), claimed)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
  });

  it("between ticks after downtime: none fires nothing, latest the most recent missed tick", () => {
    const sparse = tickClock({ cron: "0 * * * *", timeZone: "UTC" }, since);
    const now = new Date("2026-01-01T05:30:00.000Z");
    const run = (policy: MissedTickPolicy) =>
      dueTicks({ clock: sparse, policy, activeSince: since, now }, new Set()).map((t) => t.toISOString());
    expect(run({ policy: "none" })).toEqual([]);
    expect(run({ policy: "latest" })).toEqual(["2026-01-01T05:00:00.000Z"]);
    expect(run({ policy: "all", max: 2 })).toEqual(["2026-01-01T04:00:00.000Z", "2026-01-01T05:00:00.000Z"]);
  });

  it("fills a hole left by a worker that died before claiming, within the all policy", () => {
    expect(due({ policy: "all", max: 10 }, at(12.1), [1, 2, 3, 4, 5, 6, 7, 8, 10, 11])).toEqual([9, 12]);
  });
});
