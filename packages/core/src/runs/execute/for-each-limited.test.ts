import { describe, expect, it } from "vitest";
import { forEachLimited } from "./for-each-limited";
import { forEachOverlapping } from "./for-each-overlapping";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// forEachOverlapping keeps forEachLimited's failure rule; its tasks here never vacate early.
const runners = {
  forEachLimited,
  forEachOverlapping: <T>(items: T[], limit: number, task: (item: T) => Promise<void>) =>
    forEachOverlapping(items, limit, (item) => task(item)),
};

describe.each(Object.entries(runners))("%s", (_name, forEach) => {
  it("surfaces a failure only once the tasks already started have settled, and starts no more", async () => {
    const finished: number[] = [];
    const started: number[] = [];
    const outcome = forEach([0, 1, 2, 3], 2, async (item) => {
      started.push(item);
      if (item === 0) {
        await sleep(5);
        throw new Error("store down");
      }
      await sleep(60);
      finished.push(item);
    });
    await expect(outcome).rejects.toThrow("store down");
    // Item 1 was in flight when item 0 failed: it finished before the rejection; 2 and 3 never began.
    expect({ started, finished }).toEqual({ started: [0, 1], finished: [1] });
  });
});

describe("forEachLimited", () => {
  it("rejects with the first failure when several fail", async () => {
    const outcome = forEachLimited([30, 5], 2, async (ms) => {
      await sleep(ms);
      throw new Error(`failed after ${ms}`);
    });
    await expect(outcome).rejects.toThrow("failed after 5");
  });
});
