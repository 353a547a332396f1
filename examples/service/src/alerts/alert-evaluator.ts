import type { Runtime } from "@synapseops/core";
import type { LiveEvents } from "../live/live-events";
import { measure } from "./alert-metrics";
import type { AlertRule, AlertRules } from "./alert-rules";

/** How often every rule is checked besides the checks live events start (lag grows silently). */
export const ALERT_CHECK_INTERVAL_MS = 60_000;

const LABELS: Record<AlertRule["metric"], string> = {
  failureRate: "failure rate",
  deadLetters: "dead letters",
  lagSeconds: "lag (s)",
};

/** The message a notification connector receives: Slack and Teams send its `text`. */
function alertMessage(rule: AlertRule, value: number, blueprintName: string): Record<string, unknown> {
  const shown = rule.metric === "failureRate" ? `${(value * 100).toFixed(1)} %` : String(Math.round(value));
  const limit =
    rule.metric === "failureRate" ? `${(rule.threshold * 100).toFixed(1)} %` : String(rule.threshold);
  return {
    text: `SynapseOps alert: ${blueprintName}: ${LABELS[rule.metric]} ${shown} ≥ ${limit} over the last ${rule.windowMinutes} min`,
    alert: {
      ruleId: rule.id,
      blueprintId: rule.blueprintId,
      metric: rule.metric,
      value,
      threshold: rule.threshold,
      windowMinutes: rule.windowMinutes,
    },
  };
}

/**
 * Checks alert rules and sends what crosses a threshold through the rule's notification
 * connector, at most once per quiet period. A run finishing or a dead letter written (the live
 * events of this process) checks that blueprint's rules; a timer checks every rule, for lag.
 * Checks of one rule run one after the other, so a burst of events sends one alert.
 */
export function alertEvaluator(options: {
  runtime: Runtime;
  rules: AlertRules;
  live: LiveEvents;
  clock?: () => Date;
}) {
  const { runtime, rules } = options;
  const clock = options.clock ?? (() => new Date());
  const chains = new Map<string, Promise<void>>();

  async function check(ruleId: string): Promise<void> {
    const rule = rules.watching().find((r) => r.id === ruleId);
    if (rule === undefined) {
      chains.delete(ruleId); // deleted meanwhile
      return;
    }
    const now = clock();
    try {
      const value = await measure(runtime, rule, now);
      await rules.update(rule.id, { lastValue: value, lastCheckedAt: now.toISOString() });
      if (value < rule.threshold) return;
      const quietUntil =
        rule.lastFiredAt === undefined ? 0 : Date.parse(rule.lastFiredAt) + rule.quietMinutes * 60_000;
      if (now.getTime() < quietUntil) {
        await rules.update(rule.id, { quieted: rule.quieted + 1 });
        return;
      }
      const blueprint = await runtime.blueprints.get(rule.blueprintId);
      const { connector, config, context } = await runtime.connectors.prepare(rule.channel);
      if (connector.write === undefined)
        throw new Error(`connector "${connector.type}" cannot send messages`);
      await connector.write(config, alertMessage(rule, value, blueprint.name), context);
      await rules.update(rule.id, { lastFiredAt: now.toISOString(), lastError: undefined });
    } catch (error) {
      // A check that could not measure or send says why on the rule (GET /projects/{id}/alerts).
      await rules.update(rule.id, { lastError: (error as Error).message, lastCheckedAt: now.toISOString() });
    }
  }

  /** Queues a check of each rule behind that rule's running check. */
  function schedule(list: readonly AlertRule[]): Promise<void> {
    return Promise.all(
      list.map((rule) => {
        const next = (chains.get(rule.id) ?? Promise.resolve())
          .then(() => check(rule.id))
          .catch(() => undefined);
        chains.set(rule.id, next);
        return next;
      }),
    ).then(() => undefined);
  }

  let stopLive: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  return {
    /** Checks the rules of a blueprint (every rule without one) now. */
    check: (blueprintId?: string) => schedule(rules.watching(blueprintId)),
    start(): void {
      stopLive = options.live.subscribe((event) => {
        const finished =
          event.type === "run.updated" && (event.run.status === "SUCCEEDED" || event.run.status === "FAILED");
        if (finished || event.type === "deadLetter.created") void schedule(rules.watching(event.blueprintId));
      });
      timer = setInterval(() => void schedule(rules.watching()), ALERT_CHECK_INTERVAL_MS);
      timer.unref();
    },
    stop(): void {
      stopLive?.();
      clearInterval(timer);
    },
  };
}

/** What {@link alertEvaluator} returns. */
export type AlertEvaluator = ReturnType<typeof alertEvaluator>;
