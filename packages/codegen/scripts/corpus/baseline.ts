import { summarise } from "./report";
import { CHECKS, type Check, type SweepResult } from "./types";

/** Pass rates per check a run must not fall below (the CI sample's recorded baseline). */
export interface SweepBaseline {
  sample: number;
  seed: number;
  checks: Partial<Record<Check, { pass: number; run: number }>>;
}

/** The checks whose pass rate fell below the baseline, with both rates. */
export function regressions(sweep: SweepResult, baseline: SweepBaseline): string[] {
  const table = summarise(sweep);
  const out: string[] = [];
  for (const [check, before] of Object.entries(baseline.checks) as [Check, { pass: number; run: number }][]) {
    const now = table[check];
    const run = now.pass + now.fail;
    if (run === 0 || before.run === 0) continue;
    if (now.pass / run < before.pass / before.run)
      out.push(`${check}: ${now.pass}/${run} pass, baseline ${before.pass}/${before.run}`);
  }
  return out;
}

/** The baseline a sweep sets: its pass counts for every check that ran. */
export function baselineOf(sweep: SweepResult): SweepBaseline {
  const table = summarise(sweep);
  return {
    sample: sweep.documents.length,
    seed: sweep.options.seed,
    checks: Object.fromEntries(
      CHECKS.filter((c) => table[c].pass + table[c].fail > 0).map((c) => [
        c,
        { pass: table[c].pass, run: table[c].pass + table[c].fail },
      ]),
    ),
  };
}
