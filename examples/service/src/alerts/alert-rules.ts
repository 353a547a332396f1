import { randomUUID } from "node:crypto";
import { NotFoundError } from "@synapseops/core";
import { memoryState, type ServiceState } from "../state/service-state";

/** What an alert rule watches, per blueprint. */
export type AlertMetric = "failureRate" | "deadLetters" | "lagSeconds";

/** An alert rule as a caller writes it. */
export interface AlertRuleInput {
  blueprintId: string;
  /**
   * `failureRate`: failed records (dead-lettered ones included) over all records of the runs of the window
   * (0–1); `deadLetters`: dead letters of the window not replayed yet; `lagSeconds`: the age of
   * the oldest run still QUEUED.
   */
  metric: AlertMetric;
  /** The rule fires when the metric is at or above this. */
  threshold: number;
  /** How far back the metric looks. @default 15 */
  windowMinutes?: number;
  /** A notification connector ref of the project (`slack`, `teams`) the alert is sent through. */
  channel: string;
  /** After an alert, none of this rule again for this long. @default 60 */
  quietMinutes?: number;
}

/** A stored alert rule and what its last checks found. */
export interface AlertRule extends Required<AlertRuleInput> {
  id: string;
  projectId: string;
  createdAt: string;
  /** The metric at the last check, and when that was. */
  lastValue?: number;
  lastCheckedAt?: string;
  /** When the rule last sent an alert. */
  lastFiredAt?: string;
  /** Checks that crossed the threshold inside the quiet period (no alert sent). */
  quieted: number;
  /** Why the last alert could not be sent. */
  lastError?: string;
}

/**
 * Alert rules, kept in memory like the service's users and tokens (a restart forgets them): a
 * host keeps its own rule store and plugs it in the same way.
 */
export function alertRules(state: ServiceState = memoryState) {
  const rules = new Map<string, AlertRule>();
  return {
    /** Reads the rules the service state kept (at start). */
    async restore(): Promise<void> {
      for (const rule of (await state.load("alert-rule")) as AlertRule[]) rules.set(rule.id, rule);
    },
    async create(projectId: string, input: AlertRuleInput, now: Date): Promise<AlertRule> {
      const rule: AlertRule = {
        id: `alr_${randomUUID().replaceAll("-", "")}`,
        projectId,
        blueprintId: input.blueprintId,
        metric: input.metric,
        threshold: input.threshold,
        windowMinutes: input.windowMinutes ?? 15,
        channel: input.channel,
        quietMinutes: input.quietMinutes ?? 60,
        createdAt: now.toISOString(),
        quieted: 0,
      };
      await state.put("alert-rule", rule.id, rule);
      rules.set(rule.id, rule);
      return structuredClone(rule);
    },
    get(id: string): AlertRule {
      const rule = rules.get(id);
      if (rule === undefined) throw new NotFoundError("alert rule", id);
      return structuredClone(rule);
    },
    /** Rules of a project, oldest first. */
    ofProject(projectId: string): AlertRule[] {
      return [...rules.values()].filter((r) => r.projectId === projectId).map((r) => structuredClone(r));
    },
    /** Rules watching a blueprint (every rule without one). */
    watching(blueprintId?: string): AlertRule[] {
      return [...rules.values()]
        .filter((r) => blueprintId === undefined || r.blueprintId === blueprintId)
        .map((r) => structuredClone(r));
    },
    /** Records a check's outcome on a rule that still exists. */
    async update(id: string, change: { [K in keyof AlertRule]?: AlertRule[K] | undefined }): Promise<void> {
      const rule = rules.get(id);
      if (rule === undefined) return;
      const next = { ...rule, ...change };
      if ("lastError" in change && change.lastError === undefined) delete next.lastError; // a sent alert clears it
      rules.set(id, next as AlertRule);
      await state.put("alert-rule", id, next);
      // Deleted while this was written: the delete wins.
      if (!rules.has(id)) await state.delete("alert-rule", id);
    },
    async delete(id: string): Promise<void> {
      const rule = rules.get(id);
      if (rule === undefined) throw new NotFoundError("alert rule", id);
      rules.delete(id);
      try {
        await state.delete("alert-rule", id);
      } catch (error) {
        rules.set(id, rule); // not deleted after all
        throw error;
      }
    },
  };
}

/** What {@link alertRules} returns. */
export type AlertRules = ReturnType<typeof alertRules>;
