import { describe, expect, it } from "vitest";
import { forEachOverlapping } from "./for-each-overlapping";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("forEachOverlapping", () => {
  it("starts the next item once a task vacates its place, before the task ends", async () => {
    const events: string[] = [];
    let releaseTail: () => void = () => {};
    const tail = new Promise<void>((resolve) => {
      releaseTail = resolve;
    });
    await forEachOverlapping([0, 1], 1, async (item, vacate) => {
      events.push(`start ${item}`);
      if (item === 0) {
        vacate();
        await tail;
      } else releaseTail();
      events.push(`end ${item}`);
    });
    // Without the early vacate item 1 would wait for item 0, which waits for item 1: a deadlock.
    expect(events).toEqual(["start 0", "start 1", "end 1", "end 0"]);
  });

  it("keeps at most `limit` tasks in places and `limit` more in their tails", async () => {
    let inPlace = 0;
    let inFlight = 0;
    let mostInPlace = 0;
    let mostInFlight = 0;
    await forEachOverlapping([...Array(12).keys()], 2, async (_item, vacate) => {
      inPlace += 1;
      inFlight += 1;
      mostInPlace = Math.max(mostInPlace, inPlace);
      mostInFlight = Math.max(mostInFlight, inFlight);
      await sleep(1);
      inPlace -= 1;
      vacate();
      await sleep(20);
      inFlight -= 1;
    });
    expect({ mostInPlace, mostInFlight }).toEqual({ mostInPlace: 2, mostInFlight: 4 });
  });
});
