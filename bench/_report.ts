/**
 * The one output format of every benchmark: a JSON object per line per figure, with the baseline
 * measured in the same run and `ratio` = how many times better we are (> 1: we win).
 */
export interface Figure {
  suite: string;
  case: string;
  metric: string;
  value: number;
  unit: string;
  /** What we compare against (a library, a plain loop, hand-written code). */
  baseline: string;
  baseline_value: number;
  /** Whether a bigger value is better (throughput) or a smaller one (time, memory, overhead). */
  better: "higher" | "lower";
}

/** Prints one figure as a JSON line and returns the line's object. */
export function emit(figure: Figure): Record<string, unknown> {
  const { better, ...rest } = figure;
  const ratio =
    better === "higher" ? figure.value / figure.baseline_value : figure.baseline_value / figure.value;
  const line = {
    ...rest,
    value: round(figure.value),
    baseline_value: round(figure.baseline_value),
    ratio: round(ratio),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  return line;
}

function round(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(4)) : value;
}

/** Median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The p-th percentile (0–100) of a list of numbers, nearest-rank. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}
