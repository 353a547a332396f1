import type { WriteProbe } from "./_limits-fixtures";

/** What the proof of issue 20 measures for one key. */
export interface KeyFigures {
  starts: number;
  maxInFlight: number;
  /**
   * Starts per second between the first starts of the first and last full windows: a window
   * admits `perSecond` starts, so start number k·perSecond opens window k.
   */
  rate: number;
}

/** The figures of every key the probe saw, for a limit of `perSecond`. */
export function keyFigures(probe: WriteProbe, perSecond: number): Map<string, KeyFigures> {
  const figures = new Map<string, KeyFigures>();
  for (const tenant of new Set(probe.writes.map((w) => w.tenant))) {
    const starts = probe.startsOf(tenant);
    const windows = Math.floor((starts.length - 1) / perSecond);
    const spanMs = (starts[windows * perSecond] ?? 0) - (starts[0] ?? 0);
    figures.set(tenant, {
      starts: starts.length,
      maxInFlight: probe.maxInFlight.get(tenant) ?? 0,
      rate: spanMs > 0 ? (windows * perSecond * 1000) / spanMs : Number.NaN,
    });
  }
  return figures;
}

/** The largest number of `tenant`'s starts within any `spanMs` (a sliding window). */
export function maxStartsWithin(probe: WriteProbe, tenant: string, spanMs: number): number {
  const starts = probe.startsOf(tenant);
  let most = 0;
  for (let first = 0, last = 0; last < starts.length; last += 1) {
    while (starts[last]! - starts[first]! >= spanMs) first += 1;
    most = Math.max(most, last - first + 1);
  }
  return most;
}
