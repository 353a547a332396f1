import type { RunEventLevel } from "../model/run";

/** Severity order of run events, for "this level or more severe" filters. */
export const RUN_EVENT_LEVEL_RANK: Record<RunEventLevel, number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
};
