/**
 * Peak RSS per engine of the bulk case (issue 21). A process's resident-set high-water mark
 * covers everything it ever ran, so each engine runs its bulk rounds alone in a fresh child
 * process (this same bench, `DURABLE_BENCH_RSS_ENGINE=<engine>`), which prints its own
 * `process.resourceUsage().maxRSS` as one line for the parent to read.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);
const MARK = "peak_rss_mib=";

/** The engine a child process was started to measure, if this process is one. */
export const rssEngine = process.env.DURABLE_BENCH_RSS_ENGINE;

/** A child's figures, MiB: its peak RSS, and its RSS before the engine was made (modules loaded). */
export interface PeakRss {
  peak: number;
  start: number;
}

const mib = (bytes: number) => bytes / 2 ** 20;

/** In a child, before the engine is made: its RSS then (MiB), to pass to `reportPeakRss`. */
export const rssNow = (): number => mib(process.memoryUsage().rss);

/** In a child: prints this process's peak RSS and `start` (MiB) for the parent. */
export function reportPeakRss(start: number): void {
  const figures: PeakRss = { peak: mib(process.resourceUsage().maxRSS * 1024), start };
  process.stdout.write(`${MARK}${JSON.stringify(figures)}\n`);
}

/**
 * Runs `npm run bench -- durable` for `engine` alone in a fresh process (same Node flags as this
 * one) and returns its figures.
 */
export async function peakRssInChild(engine: string): Promise<PeakRss> {
  const { stdout } = await run(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    env: { ...process.env, DURABLE_BENCH_RSS_ENGINE: engine },
    maxBuffer: 1 << 20,
  });
  const line = stdout.split("\n").find((l) => l.startsWith(MARK));
  if (line === undefined) throw new Error(`peak RSS of ${engine}: no ${MARK} line in its output`);
  return JSON.parse(line.slice(MARK.length)) as PeakRss;
}
