import type { Logger } from "../../logger";
import type { NewRunEvent, RunEventLevel } from "../../model/run";
import { RUN_EVENT_PAYLOAD, type RunStore } from "../../store/types";
import type { Redactor } from "./redactor";

const FLUSH_AT = 200;

/**
 * A run's event log: events are redacted, mirrored to the host's logger (a child with runId,
 * blueprintId and step) and appended to the store in batches, in order.
 */
export class EventLog {
  private buffer: NewRunEvent[] = [];
  /** The chain of appends; it never rejects (a failure is kept in `failure` for the next caller). */
  private flushing: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(
    private readonly runId: string,
    private readonly store: RunStore,
    private readonly redactor: Redactor,
    private readonly logger: Logger,
    private readonly clock: () => Date,
  ) {}

  /**
   * Adds an event; `data` is redacted before it is kept or logged. `payload` is what the runtime
   * needs to resume a record exactly (issue 16: an approval wait): it is kept under
   * `RUN_EVENT_PAYLOAD` with only secrets and sensitive keys hidden (as a dead letter's record),
   * encoded by a payload codec and purged by retention, and never logged.
   */
  add(
    level: RunEventLevel,
    type: string,
    data: Record<string, unknown> = {},
    at: { step?: string; recordKey?: string } = {},
    payload?: unknown,
  ): void {
    const redacted = this.redactor.redact(data);
    const event: NewRunEvent = {
      at: this.clock().toISOString(),
      level,
      type,
      data:
        payload === undefined
          ? redacted
          : { ...redacted, [RUN_EVENT_PAYLOAD]: this.redactor.redactRecord(payload) },
      ...(at.step === undefined ? {} : { step: at.step }),
      ...(at.recordKey === undefined ? {} : { recordKey: this.redactor.redactText(at.recordKey) }),
    };
    this.buffer.push(event);
    const log = at.step === undefined ? this.logger : this.logger.child({ step: at.step });
    log[level](
      { event: type, ...redacted, ...(event.recordKey ? { recordKey: event.recordKey } : {}) },
      type,
    );
    if (this.buffer.length >= FLUSH_AT) void this.flush();
  }

  /**
   * Writes buffered events; resolves when everything added so far is stored. A failed append
   * (the store unreachable) rejects this call and puts its events back at the front of the
   * buffer, so the next flush writes them in order instead of failing forever on the old error.
   */
  async flush(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length > 0) {
      const previous = this.flushing;
      this.flushing = (async () => {
        await previous;
        try {
          await this.store.appendRunEvents(this.runId, batch);
        } catch (error) {
          this.buffer = [...batch, ...this.buffer];
          this.failure = error;
        }
      })();
    }
    await this.flushing;
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.failure = undefined;
      throw failure;
    }
  }
}
