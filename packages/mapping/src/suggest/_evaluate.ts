import type { JsonSchema, MappingRule } from "../types";

/** A schema pair with the rules a person would write: the yardstick for suggestions. */
export interface SuggestFixture {
  name: string;
  description: string;
  source: JsonSchema;
  target: JsonSchema;
  /** Source records. */
  samples?: unknown[];
  /** Written after the heuristics and synonym table were tuned on the other pairs. */
  heldOut?: boolean;
  expected: MappingRule[];
}

/** How one suggestion compares with the expected rules. */
export interface PairScore {
  name: string;
  expected: number;
  predicted: number;
  correct: number;
  precision: number;
  recall: number;
  /** Expected rules not suggested (or suggested differently). */
  missed: MappingRule[];
  /** Suggested rules that are not expected. */
  wrong: MappingRule[];
}

/** A rule's identity for scoring: target, source (path or expression) and transforms. */
function key(rule: MappingRule): string {
  return JSON.stringify([
    rule.target,
    rule.from ?? null,
    rule.expr?.replace(/\s+/g, "") ?? null,
    rule.transforms ?? [],
  ]);
}

/** Scores suggested rules against expected ones: a rule counts only when target, source and transforms all match. */
export function scorePair(
  name: string,
  expected: readonly MappingRule[],
  predicted: readonly MappingRule[],
): PairScore {
  const want = new Set(expected.map(key));
  const got = new Set(predicted.map(key));
  const correct = [...got].filter((rule) => want.has(rule)).length;
  return {
    name,
    expected: expected.length,
    predicted: predicted.length,
    correct,
    precision: predicted.length === 0 ? 1 : correct / predicted.length,
    recall: expected.length === 0 ? 1 : correct / expected.length,
    missed: expected.filter((rule) => !got.has(key(rule))),
    wrong: predicted.filter((rule) => !want.has(key(rule))),
  };
}

/** Micro-averaged precision and recall over pairs. */
export function overall(scores: readonly PairScore[]): { precision: number; recall: number } {
  const correct = scores.reduce((sum, score) => sum + score.correct, 0);
  const predicted = scores.reduce((sum, score) => sum + score.predicted, 0);
  const expected = scores.reduce((sum, score) => sum + score.expected, 0);
  return {
    precision: predicted === 0 ? 1 : correct / predicted,
    recall: expected === 0 ? 1 : correct / expected,
  };
}
