import RandExpModule from "randexp";
import { unicodePattern } from "./_unicode-pattern";

// randexp is CommonJS with `exports.default`; under ESM interop the class may sit one level down.
export const RandExp = ((RandExpModule as unknown as { default?: typeof RandExpModule }).default ??
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
  const greedy = new RegExp(withoutLazyQuantifiers(source), "u");
  for (const alphanumericFirst of [true, false]) {
    try {
      const generator = new RandExp(greedy);
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

/**
 * `source` with every lazy quantifier made greedy (`{12}?` → `{12}`, `.+?` → `.+`): randexp reads
 * that `?` as a quantifier of its own and fails (AWS Inspector2's and HealthLake's ARNs, issue 19),
 * while laziness changes only which match is found, never which strings match.
 */
export function withoutLazyQuantifiers(source: string): string {
  let out = "";
  let inClass = false;
  let afterQuantifier = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (char === "\\") {
      out += source.slice(i, i + 2);
      i++;
      afterQuantifier = false;
      continue;
    }
    if (inClass) {
      if (char === "]") inClass = false;
      out += char;
      continue;
    }
    if (char === "?" && afterQuantifier) {
      afterQuantifier = false;
      continue;
    }
    if (char === "[") inClass = true;
    const braceEnd = char === "{" ? quantifierBraceEnd(source, i) : -1;
    if (braceEnd > 0) {
      out += source.slice(i, braceEnd + 1);
      i = braceEnd;
      afterQuantifier = true;
      continue;
    }
    afterQuantifier = char === "*" || char === "+" || (char === "?" && !out.endsWith("("));
    out += char;
  }
  return out;
}

/** Where `{n}`, `{n,}` or `{n,m}` starting at `start` ends, or -1 when the brace is a literal. */
function quantifierBraceEnd(source: string, start: number): number {
  const match = /^\{\d+(,\d*)?\}/.exec(source.slice(start));
  return match ? start + match[0].length - 1 : -1;
}
