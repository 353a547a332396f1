import { describe, expect, it } from "vitest";
import { joinQueueAbort, leaveQueueAbort } from "./queue-abort";
import { RunController } from "./run-controller";

describe("RunController", () => {
  it("aborts the controllers following it with its reason, until they stop following", () => {
    const run = new RunController();
    const following = new AbortController();
    const left = new AbortController();
    run.follow(following);
    run.follow(left);
    run.unfollow(left);
    run.abort("cancelled");
    expect(following.signal.reason).toBe("cancelled");
    expect(left.signal.aborted).toBe(false);
  });

  it("aborts no follower that comes after it aborted, as a listener on an aborted signal", () => {
    const run = new RunController();
    run.abort();
    const late = new AbortController();
    run.follow(late);
    run.abort("again");
    expect(late.signal.aborted).toBe(false);
  });
});

describe("queue abort", () => {
  it("aborts the jobs running under the queue signal when it aborts, not those that left", () => {
    const queue = new AbortController();
    const running = new AbortController();
    const done = new AbortController();
    joinQueueAbort(queue.signal, running);
    leaveQueueAbort(queue.signal, joinQueueAbort(queue.signal, done));
    queue.abort();
    expect(running.signal.aborted).toBe(true);
    expect(done.signal.aborted).toBe(false);
  });
});
