import RandExpModule from "randexp";
import { unicodePattern } from "./_unicode-pattern";

// randexp is CommonJS with `exports.default`; under ESM interop the class may sit one level down.
const RandExp = ((RandExpModule as unknown as { default?: typeof RandExpModule }).default ??
  RandExpModule) as typeof RandExpModule;

/** Characters a negated class or `.` draws from first: ids read better as `a1` than as `!`. */
const PRINTABLE_NON_ALPHANUMERIC: readonly [number, number][] = [
  [32, 47],
  [58, 64],
  [91, 96],
  [123, 126],
];

/**
 * A string that matches `pattern` (an ECMAScript regular expression, as JSON Schema's `pattern`),
 * or undefined when none could be made (lookarounds, `\p{…}`, back-references that cannot hold).
 * Deterministic: every choice takes its first option and every quantifier its minimum, so the
 * same schema samples the same everywhere (Postman, contract tests, suites and the mock).
 */
export function sampleForPattern(pattern: string): string | undefined {
  if (samples.has(pattern)) return samples.get(pattern);
  const sample = generate(pattern);
  samples.set(pattern, sample);
  return sample;
}

/** Samples by pattern: documents repeat their id patterns hundreds of times. */
const samples = new Map<string, string | undefined>();

function generate(pattern: string): string | undefined {
  const source = unicodePattern(pattern);
  if (source === undefined) return undefined;
  const regex = new RegExp(source, "u");
  for (const alphanumericFirst of [true, false]) {
    try {
      const generator = new RandExp(regex);
      generator.randInt = (min: number) => min;
      generator.max = 1;
      if (alphanumericFirst)
        for (const [from, to] of PRINTABLE_NON_ALPHANUMERIC) generator.defaultRange.subtract(from, to);
      const sample = generator.gen();
      if (regex.test(sample)) return sample;
    } catch {
      // a construct randexp does not know: try the next range, then give up
    }
  }
  return undefined;
}
