import type { StoredError } from "../../model/run";
import type { PlannedStep } from "../plan/run-plan";
import { classifyFailure, storedError } from "../retries/classify-error";
import { AttemptsExhausted, RetryParked } from "../retries/with-retries";
import type { RecordContext, RecordInFlight, StepTraceSettings } from "./record-context";
import type { StepEnd } from "./step-runners";

/** The type of the run event that holds a record's step trace (one per pass through the steps). */
export const RECORD_STEPS_EVENT = "record.steps";

/**
 * Per-step trace of records (issue 23: the console's waterfall). Off unless set: each traced
 * record costs a redacted copy of every step's input and output and one more run event.
 */
export interface StepTraceOptions {
  /**
   * The longest input or output kept per step, in characters of its JSON. A longer one is kept
   * as `{ truncated: true, chars, preview }`: the first `maxValueChars` characters of its
   * redacted JSON.
   * @default 2_000
   */
  maxValueChars?: number;
}

/** Reads the runtime's `stepTrace` option: `true` for the defaults, an object to set them. */
export function stepTraceSettings(
  option: boolean | StepTraceOptions | undefined,
): StepTraceSettings | undefined {
  if (option === undefined || option === false) return undefined;
  const maxValueChars = option === true ? undefined : option.maxValueChars;
  return { maxValueChars: Math.max(0, Math.floor(maxValueChars ?? 2_000)) };
}

/** A value too long to keep whole: how long its JSON was and how it starts. */
export interface TruncatedValue {
  truncated: true;
  chars: number;
  preview: string;
}

/** How a step ended for the record. */
export type StepTraceEnd = "ok" | "filtered" | "waiting" | "parked" | "failed" | "cancelled";

/** One step of one record, as the trace kept it: `data.steps` of a `record.steps` event. */
export interface RecordStepTrace {
  step: string;
  kind: PlannedStep["kind"];
  startedAt: string;
  durationMs: number;
  /** Calls made to the step's connector (0 for a step without one); counts on after a park. */
  attempts: number;
  end: StepTraceEnd;
  /** The record as the step received it: redacted, bounded by `maxValueChars`. */
  input: unknown;
  /** What the step made: the record after a map or lookup, the target's answer after a send (none in a dry run). */
  output?: unknown;
  error?: StoredError;
}

/** Collects one record's pass through its steps and writes it as one run event. */
export class StepTrace {
  private readonly steps: RecordStepTrace[] = [];
  private current: { trace: RecordStepTrace; startedMs: number } | undefined;

  constructor(
    private readonly ctx: RecordContext,
    private readonly settings: StepTraceSettings,
  ) {}

  begin(planned: PlannedStep, input: unknown): void {
    this.current = {
      startedMs: performance.now(),
      trace: {
        step: planned.step.id,
        kind: planned.kind,
        startedAt: this.ctx.clock().toISOString(),
        durationMs: 0,
        attempts: 0,
        end: "ok",
        input: this.bounded(input),
      },
    };
  }

  succeeded(end: StepEnd, record: RecordInFlight): void {
    const trace = this.settle(end === undefined ? "ok" : end);
    if (trace === undefined) return;
    trace.attempts = record.stepAttempt;
    if (trace.kind === "map" || trace.kind === "lookup") trace.output = this.bounded(record.value);
    else if (trace.kind === "send") trace.output = this.bounded(record.lastResult);
  }

  failed(error: unknown, cancelled: boolean, record: RecordInFlight): void {
    const parkedOrExhausted =
      error instanceof RetryParked || error instanceof AttemptsExhausted ? error : undefined;
    const trace = this.settle(cancelled ? "cancelled" : error instanceof RetryParked ? "parked" : "failed");
    if (trace === undefined) return;
    trace.attempts = parkedOrExhausted?.attempts ?? record.stepAttempt;
    if (!cancelled) trace.error = storedError(parkedOrExhausted?.failure ?? classifyFailure(error));
  }

  /** Adds the `record.steps` event (redacted again by the event log, with everything it adds). */
  write(recordKey: string): void {
    if (this.steps.length === 0) return;
    this.ctx.events.add("debug", RECORD_STEPS_EVENT, { steps: this.steps }, { recordKey });
  }

  private settle(end: StepTraceEnd): RecordStepTrace | undefined {
    const current = this.current;
    if (current === undefined) return undefined;
    this.current = undefined;
    current.trace.end = end;
    current.trace.durationMs = Math.round((performance.now() - current.startedMs) * 1000) / 1000;
    this.steps.push(current.trace);
    return current.trace;
  }

  /** Redacted first, so a cut never leaves half a secret the key rules would have hidden. */
  private bounded(value: unknown): unknown {
    const redacted = this.ctx.redactor.redact(value);
    const json = JSON.stringify(redacted) ?? "null";
    if (json.length <= this.settings.maxValueChars) return redacted;
    const truncated: TruncatedValue = {
      truncated: true,
      chars: json.length,
      preview: json.slice(0, this.settings.maxValueChars),
    };
    return truncated;
  }
}
