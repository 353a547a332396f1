import type { JsonataFrame } from "./jsonata-environment";

type CreateSequence = (this: unknown, ...items: unknown[]) => unknown[];

/**
 * jsonata's `sequence` option bounds every sequence by giving it its own `push`, an enumerable
 * property: `*` and `$keys` over a sequence then listed it (`$string(*)` of `[1]` gave
 * `[1,"",true]` where plain jsonata gives `[1,true]`; fuzzer seed 6, issue 17). The engine
 * assigns its `createSequence` to each evaluation's root frame; this frame callback (see
 * frame-hooks.ts) wraps it so the bounded `push` stays but is not enumerable. Which frame is a
 * root is told by its enclosing frame: the instance's own environment, the only frame without
 * a `base`.
 *
 * Redefining the property costs about 0.5 µs per sequence (it doubled the cost of a small
 * `$filter` off the fast path): it is installed only where {@link listsSequenceKeys} says, of
 * some node, that an expression can list a sequence's keys.
 */
export function hideSequencePush(enclosing: JsonataFrame, frame: JsonataFrame): void {
  if ((enclosing as { base?: unknown }).base !== undefined) return;
  let wrapped: CreateSequence | undefined;
  Object.defineProperty(frame, "createSequence", {
    configurable: true,
    enumerable: true,
    get: () => wrapped,
    set(create: CreateSequence) {
      wrapped = function createSequence(this: unknown, ...items: unknown[]): unknown[] {
        const sequence = create.apply(this, items);
        if (Object.hasOwn(sequence, "push")) Object.defineProperty(sequence, "push", { enumerable: false });
        return sequence;
      };
    },
  });
}

/**
 * Whether an AST node lets an expression list the own keys of a sequence: a wildcard step (`*` over an
 * array lists its keys; the built-ins that list keys — `$each`, `$sift`, `$merge` — refuse
 * arrays by signature) or `$eval`, whose text is not known here. Host functions see whatever
 * they get; the caller adds them.
 */
export function listsSequenceKeys(node: Readonly<Record<string, unknown>>): boolean {
  return node.type === "wildcard" || (node.type === "variable" && node.value === "eval");
}
