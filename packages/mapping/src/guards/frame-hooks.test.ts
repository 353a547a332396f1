import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import { bindHooksInEveryFrame } from "./frame-hooks";
import { bindHook, EVALUATE_ENTRY_HOOK, EVALUATE_EXIT_HOOK, type JsonataFrame } from "./jsonata-environment";

// Blocks, lambdas, a tuple stream and `$eval` text each create frames of their own.
const EXPRESSION =
  '($f := function($x) { ($y := $x * 2; $y & "") }; items#$i.{"v": $f(n), "i": $i, "e": $eval("$string(1 + 1)")})';
const INPUT = { items: [{ n: 1 }, { n: 2 }, { n: 3 }] };

/** Evaluates with entry and exit hooks that count their calls, with or without the per-frame copies. */
async function counted(perFrame: boolean, onFrame?: () => void) {
  const expression = jsonata(EXPRESSION);
  const calls = { entry: 0, exit: 0 };
  bindHook(expression, EVALUATE_ENTRY_HOOK, () => {
    calls.entry++;
  });
  if (perFrame) bindHooksInEveryFrame(expression, onFrame);
  // Installed after: frames copy the instance's hooks as they are created, at evaluation time.
  bindHook(expression, EVALUATE_EXIT_HOOK, () => {
    calls.exit++;
  });
  const result = await expression.evaluate(INPUT);
  return { result, calls };
}

describe("hooks bound in every frame", () => {
  it("change neither the result nor which hooks run, in any frame", async () => {
    const plain = await counted(false);
    const frames: number[] = [];
    const perFrame = await counted(true, () => frames.push(1));
    expect(perFrame.result).toEqual(plain.result);
    expect(plain.calls.entry).toBeGreaterThan(20);
    expect(perFrame.calls).toEqual(plain.calls);
    // `onFrame` ran for the evaluation's root frame and the frames inside it.
    expect(frames.length).toBeGreaterThan(3);
  });

  it("end each lookup at the frame it starts from", async () => {
    const expression = jsonata("($f := function() { ($g := 1; $g) }; $f())");
    const frames: JsonataFrame[] = [];
    bindHooksInEveryFrame(expression, (_enclosing, frame) => frames.push(frame));
    await expression.evaluate({});
    expect(frames.length).toBeGreaterThan(2);
    // Binding a hook in the evaluation's root frame afterwards: a frame created inside it holds
    // its own copy, so its lookup no longer reaches the root's binding.
    const [root, ...inner] = frames as [JsonataFrame, ...JsonataFrame[]];
    root.bind(EVALUATE_EXIT_HOOK, "root");
    expect(root.lookup(EVALUATE_EXIT_HOOK)).toBe("root");
    for (const frame of inner) expect(frame.lookup(EVALUATE_EXIT_HOOK)).toBeUndefined();
  });
});
