import { type Logger, pino } from "pino";

/** The logger type SynapseOps takes: a pino logger (the host's), of which we make child loggers. */
export type { Logger } from "pino";

/** A logger that writes nothing: the default when the host gives none. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
