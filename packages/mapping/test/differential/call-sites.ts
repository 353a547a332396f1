/**
 * jsonata 2.2.2 keeps a function's latest call site on the function object itself: every call
 * `$f(…)` writes its position and name there (`evaluateFunction`, and the tail-call trampoline
 * writes the callee's), and an error leaving the function is given that stored position
 * (`applyInner`: `err.position = proc.position || err.position`). Built-ins are one object per
 * process, shared by every expression and every evaluation. So an error that leaves a built-in
 * the expression did not call directly (`x ~> $uppercase`, `$map(xs, $number)`) reports
 * whatever call of it ran last in the process, and where branches run concurrently, the call
 * that started last. And `Promise.all` does not stop a constructor's other branches when one
 * fails: they run on in the background, into the next evaluation, and their calls overwrite the
 * stored positions it reads. That made jsonata's "first evaluation" differ from later ones and a
 * reproducer's rerun differ from the run that found it (issue 17, points 2 and 3 of the
 * seed-20261207 run).
 */
import { builtinFunction, JSONATA_BUILTIN_NAMES } from "../../src/guards/jsonata-environment";

type CallSiteState = { position?: unknown; token?: unknown };

const shared = JSONATA_BUILTIN_NAMES.map((name) => builtinFunction(name)).filter(
  (fn) => fn !== undefined,
) as unknown as CallSiteState[];

/**
 * Lets the branches earlier evaluations left running finish (they are promise callbacks only:
 * they all run before the event loop's next turn), then clears the call site every built-in
 * remembers. The next evaluation then reports what it would as the first one in a fresh
 * process, whatever ran before. The fuzzer awaits this before every evaluation, jsonata's and
 * ours, so a case does not depend on the cases before it.
 */
export async function forgetCallSites(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  for (const fn of shared) {
    fn.position = undefined;
    fn.token = undefined;
  }
}

/**
 * The positions jsonata can store for calls (of `name`, or of any function) in this AST: each
 * call's own position and its procedure's (the trampoline stores the latter for a tail call).
 */
export function callSitePositions(ast: unknown, name?: string): Set<number> {
  const positions = new Set<number>();
  const walk = (node: unknown): void => {
    if (typeof node !== "object" || node === null || node instanceof RegExp) return;
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    const record = node as Record<string, unknown>;
    const procedure = record.procedure as Record<string, unknown> | undefined;
    if (
      (record.type === "function" || record.type === "partial") &&
      (name === undefined || procedure?.value === name)
    ) {
      if (typeof record.position === "number") positions.add(record.position);
      if (typeof procedure?.position === "number") positions.add(procedure.position);
    }
    for (const [key, child] of Object.entries(record)) if (key !== "value") walk(child);
  };
  walk(ast);
  return positions;
}
