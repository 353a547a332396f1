/**
 * The fuzzing loop shared by the fixed-seed test and `npm run fuzz`: generates cases, counts
 * categories per mode, and shrinks each disagreement to a minimal reproducer.
 */
import { type CaseLimits, type Category, check, MODES, type Mode, observe, prepare } from "./compare";
import {
  type ExpressionNode,
  generateExpression,
  generateInput,
  Random,
  render,
  shrinkExpression,
  shrinkInput,
} from "./generate";

export interface FuzzOptions {
  seed: number;
  /** How many expressions; each runs against `inputsPerExpression` inputs (one case each). */
  expressions: number;
  inputsPerExpression?: number;
  /** Shrink steps tried per disagreement. @default 400 */
  shrinkBudget?: number;
  /** Stop collecting reproducers after this many. @default 50 */
  maxReproducers?: number;
  onProgress?: (done: number, counts: FuzzCounts) => void;
  /** Limits of our modes (defaults: the engine's). */
  limits?: CaseLimits;
  /** Stop starting new expressions at this time (epoch ms): a long run sized to a window. */
  stopAt?: number;
}

export type FuzzCounts = Record<Mode, Record<string, number>>;

/** A minimal failing case. */
export interface Reproducer {
  mode: Mode;
  category: Category;
  expression: string;
  input: unknown;
  observed: Record<string, string>;
}

export interface FuzzReport {
  cases: number;
  counts: FuzzCounts;
  reproducers: Reproducer[];
}

export function isDisagreement(category: Category): boolean {
  return category.startsWith("differs") || category.startsWith("broken");
}

export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const random = new Random(options.seed);
  const perExpression = options.inputsPerExpression ?? 4;
  const counts = Object.fromEntries(MODES.map((mode) => [mode, {}])) as FuzzCounts;
  const reproducers: Reproducer[] = [];
  const seen = new Set<string>();
  let cases = 0;
  for (let index = 0; index < options.expressions; index++) {
    if (options.stopAt !== undefined && Date.now() >= options.stopAt) break;
    const tree = generateExpression(random);
    const prepared = prepare(render(tree), options.limits);
    for (let inputIndex = 0; inputIndex < perExpression; inputIndex++) {
      const input = generateInput(random);
      const categories = await check(prepared, input);
      cases++;
      for (const mode of MODES) {
        const category = categories[mode];
        counts[mode][category] = (counts[mode][category] ?? 0) + 1;
        if (!isDisagreement(category) || reproducers.length >= (options.maxReproducers ?? 50)) continue;
        const reproducer = await shrink(
          tree,
          input,
          mode,
          category,
          options.shrinkBudget ?? 400,
          options.limits,
        );
        const key = `${reproducer.mode} ${reproducer.expression}`;
        if (seen.has(key)) continue;
        seen.add(key);
        reproducers.push(reproducer);
      }
    }
    options.onProgress?.(cases, counts);
  }
  return { cases, counts, reproducers };
}

async function fails(
  expression: string,
  input: unknown,
  mode: Mode,
  category: Category,
  limits: CaseLimits | undefined,
): Promise<boolean> {
  return (await check(prepare(expression, limits), input))[mode] === category;
}

/** Greedy shrinking: the first smaller expression (then input) that fails the same way, repeated. */
export async function shrink(
  tree: ExpressionNode,
  input: unknown,
  mode: Mode,
  category: Category,
  budget: number,
  limits?: CaseLimits,
): Promise<Reproducer> {
  let current = tree;
  let data = input;
  let steps = 0;
  let progress = true;
  while (progress && steps < budget) {
    progress = false;
    for (const candidate of shrinkExpression(current)) {
      if (++steps > budget) break;
      if (await fails(render(candidate), data, mode, category, limits)) {
        current = candidate;
        progress = true;
        break;
      }
    }
    if (progress) continue;
    for (const candidate of shrinkInput(data)) {
      if (++steps > budget) break;
      if (await fails(render(current), candidate, mode, category, limits)) {
        data = candidate;
        progress = true;
        break;
      }
    }
  }
  const expression = render(current);
  return {
    mode,
    category,
    expression,
    input: data,
    observed: await observe(prepare(expression, limits), data),
  };
}
