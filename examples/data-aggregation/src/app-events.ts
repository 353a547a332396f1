/** The application log events the second source carries, one JSON object per entry or line. */
import { seededRandom } from "./_http-server";

/** One structured log event. */
export interface AppEvent {
  id: string;
  ts: string;
  level: "info" | "warn" | "error";
  service: string;
  message: string;
  durationMs: number;
}

const services = ["checkout", "search", "billing", "auth"];
const messages = ["request served", "cache miss", "upstream slow", "retrying call", "payment captured"];

/** Events `from` … `from + count - 1`, the same on every run. */
export function appEvents(from: number, count: number): AppEvent[] {
  const random = seededRandom(7 + from);
  const base = Date.parse("2026-01-05T12:00:00Z");
  return Array.from({ length: count }, (_, k) => {
    const n = from + k;
    const roll = random();
    return {
      id: `evt-${String(n).padStart(5, "0")}`,
      ts: new Date(base + n * 1_000).toISOString(),
      level: roll > 0.95 ? "error" : roll > 0.8 ? "warn" : "info",
      service: services[n % services.length]!,
      message: messages[Math.floor(random() * messages.length)]!,
      durationMs: Math.round(random() * 900) + 5,
    };
  });
}
