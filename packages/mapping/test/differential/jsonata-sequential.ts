/**
 * jsonata 2.2.2 with one change: the values of an object constructor or group-by and the items
 * of an array constructor are evaluated one after another, in order, instead of under
 * `Promise.all`. Run concurrently, a branch sees another's writes — the `undefined` a group-by or
 * object constructor pushes into an empty input array (issue 17, seed 1207) — or not, depending on
 * how many awaits each took first: over `[]`, `{"k": $count($), "l": ({} ? 1)}` gives `{"k": 1}`
 * and the same with `($lowercase("A"); {} ? 1)` as `l` gives `{"k": 0}`; `$string(x)` and
 * `($string)(x)` as `l` differ the same way. This copy gives the answer of the schedule the fast
 * path follows (it is synchronous); the fuzzer's rule "branches racing in a constructor" accepts
 * it as one of jsonata's answers. Test code only: nothing ships it.
 */
import { readFileSync } from "node:fs";
import { createRequire, Module } from "node:module";
import type jsonata from "jsonata";

/** Each concurrent `map` of jsonata's two `Promise.all` calls, and its sequential replacement. */
const CONCURRENT = [
  ["utils.keys(groups).map(async (key, idx) =>", "await inOrder(utils.keys(groups), async (key, idx) =>"],
  [
    "expr.expressions\n                    .map(async (item, idx) =>",
    "await inOrder(expr.expressions, async (item, idx) =>",
  ],
] as const;

const IN_ORDER =
  "async function inOrder(items, run) { const out = []; for (let i = 0; i < items.length; i++) out.push(await run(items[i], i)); return out; }\n";

type CompilableModule = Module & { _compile(source: string, filename: string): void; exports: unknown };

function load(): typeof jsonata {
  const filename = createRequire(import.meta.url).resolve("jsonata");
  let source = readFileSync(filename, "utf8");
  for (const [concurrent, sequential] of CONCURRENT) {
    // Each change must hit exactly one place; another jsonata version fails loudly here.
    if (source.split(concurrent).length !== 2) {
      throw new Error(`jsonata-sequential: expected one "${concurrent}" in ${filename}`);
    }
    source = source.replace(concurrent, sequential);
  }
  const copy = new Module(filename) as CompilableModule;
  copy._compile(IN_ORDER + source, filename);
  return copy.exports as typeof jsonata;
}

let cached: typeof jsonata | undefined;

/** The sequential jsonata factory (loaded once). */
export function sequentialJsonata(): typeof jsonata {
  cached ??= load();
  return cached;
}
