import type jsonata from "jsonata";
import {
  bindHook,
  EVALUATE_ENTRY_HOOK,
  EVALUATE_EXIT_HOOK,
  FRAME_PUSH_HOOK,
  type JsonataFrame,
} from "./jsonata-environment";

/** Runs as jsonata creates a frame (`enclosing` is the frame it is created in). */
export type FrameCallback = (enclosing: JsonataFrame, frame: JsonataFrame) => void;

/**
 * jsonata looks its hooks up by symbol on every sub-expression (entry and exit) and every new
 * frame (frame push), each time from the current frame through every enclosing one up to the
 * engine's static frame, where nothing is bound: about 5 % of the first evaluation of the
 * order-to-erp mapping (issue 21). This binds the three hooks in every frame as it is created,
 * copied from the frame it is created in, so each lookup ends at the first frame with the value
 * it would have found at the end of the walk (`undefined`, or a hook a guard installed on the
 * instance): only the walk gets shorter.
 *
 * It owns the instance's frame-push hook; `onFrame` runs after it for every new frame.
 */
export function bindHooksInEveryFrame(expression: jsonata.Expression, onFrame?: FrameCallback): void {
  const push = (enclosing: JsonataFrame, frame: JsonataFrame): void => {
    frame.bind(EVALUATE_ENTRY_HOOK, enclosing.lookup(EVALUATE_ENTRY_HOOK));
    frame.bind(EVALUATE_EXIT_HOOK, enclosing.lookup(EVALUATE_EXIT_HOOK));
    frame.bind(FRAME_PUSH_HOOK, push);
    onFrame?.(enclosing, frame);
  };
  bindHook(expression, FRAME_PUSH_HOOK, push);
}
