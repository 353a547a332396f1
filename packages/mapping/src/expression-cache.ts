import type { ResolvedLimits } from "./expression-options";
import type { ExpressionProgram } from "./expression-tiers";
import { registryVersion } from "./function-registry";

/**
 * Programs by source and options, so compiling the same text again (a playground evaluating on
 * every edit, a validation then a run) neither analyses nor builds the fast path again, and a
 * hot expression stays hot (its fast evaluations need no parse at all). A program is a pure
 * function of its key: the registry version is part of it, so registering a function makes
 * earlier entries unreachable.
 */
const programs = new Map<string, ExpressionProgram>();
const CAPACITY = 64;

/** The cached program for `source` with these options, or the one `build` makes (then cached). */
export function cachedProgram(
  source: string,
  limits: ResolvedLimits,
  threshold: number | undefined,
  build: () => ExpressionProgram,
): ExpressionProgram {
  const { timeoutMs, maxDepth, maxSequenceLength, maxOutputSize } = limits;
  const options = `${threshold ?? "never"}:${timeoutMs}:${maxDepth}:${maxSequenceLength}:${maxOutputSize}`;
  const key = `${registryVersion()}:${options}:${source}`;
  const found = programs.get(key);
  if (found !== undefined) {
    // Re-inserted so the Map's order stays least recently used first.
    programs.delete(key);
    programs.set(key, found);
    return found;
  }
  const program = build();
  programs.set(key, program);
  if (programs.size > CAPACITY) programs.delete(programs.keys().next().value as string);
  return program;
}
