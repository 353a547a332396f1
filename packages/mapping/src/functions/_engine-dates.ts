import jsonata from "jsonata";

/** JSONata's own date functions: `$fromMillis` and `$toMillis`, with their picture strings. */
export interface EngineDates {
  fromMillis(millis: number, picture?: string, timezone?: string): string | undefined;
  toMillis(timestamp: string, picture?: string): number | undefined;
}

interface NativeFunction {
  implementation: (...args: unknown[]) => unknown;
}

interface EvaluationFocus {
  environment?: { lookup?: (name: string) => unknown };
}

let captured: EngineDates | undefined;

function isNative(value: unknown): value is NativeFunction {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as NativeFunction).implementation === "function"
  );
}

/**
 * Takes JSONata's date functions from the evaluation focus (`this` of a registered function).
 * jsonata does not export its datetime module, but every function it calls gets the
 * environment, where `$fromMillis`/`$toMillis` are bound; reusing them keeps picture strings
 * exactly as JSONata defines them instead of carrying a second date library.
 */
export function engineDates(focus: unknown): EngineDates | undefined {
  if (captured !== undefined) return captured;
  const lookup = (focus as EvaluationFocus | undefined)?.environment?.lookup;
  if (typeof lookup !== "function") return undefined;
  const fromMillis = lookup("fromMillis");
  const toMillis = lookup("toMillis");
  if (!isNative(fromMillis) || !isNative(toMillis)) return undefined;
  captured = {
    // They read the focus (`this`) themselves, e.g. for the regex engine, so keep it.
    fromMillis: (...args) => fromMillis.implementation.apply(focus, args) as string | undefined,
    toMillis: (...args) => toMillis.implementation.apply(focus, args) as number | undefined,
  };
  return captured;
}

// Direct calls (no JSONata focus, e.g. a compiled fast path) use the functions captured by this
// one evaluation, which settles within a few microtasks of loading the library.
const warmUp = jsonata("$capture()");
warmUp.registerFunction("capture", function (this: unknown) {
  engineDates(this);
});
warmUp.evaluate({}).catch(() => undefined);
