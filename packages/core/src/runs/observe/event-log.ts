import type { Logger } from "../../logger";
import type { NewRunEvent, RunEventLevel } from "../../model/run";
import { LastInstantIso } from "../../store/last-instant-iso";
import { RUN_EVENT_PAYLOAD, type RunStore } from "../../store/types";
import type { Redactor } from "./redactor";

const FLUSH_AT = 200;

/** Events made one after another mostly fall in the same millisecond: its text is made once. */
const eventInstant = new LastInstantIso();

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
    this.buffer.push(this.logged(level, type, data, at, payload));
    if (this.buffer.length >= FLUSH_AT) void this.flush();
  }

  /**
   * An event made as `add` makes it (redacted, mirrored to the logger) but not buffered: the
   * closing event a caller writes with {@link writeWith}, which a failed write must not leave
   * behind.
   */
  closing(level: RunEventLevel, type: string, data: Record<string, unknown> = {}): NewRunEvent {
    return this.logged(level, type, data, {}, undefined);
  }

  private logged(
    level: RunEventLevel,
    type: string,
    data: Record<string, unknown>,
    at: { step?: string; recordKey?: string },
    payload: unknown,
  ): NewRunEvent {
    const redacted = this.redactor.redact(data);
    const event: NewRunEvent = {
      at: eventInstant.of(this.clock().getTime()),
      level,
      type,
      data:
        payload === undefined
          ? redacted
          : { ...redacted, [RUN_EVENT_PAYLOAD]: this.redactor.redactRecord(payload) },
      ...(at.step === undefined ? {} : { step: at.step }),
      ...(at.recordKey === undefined ? {} : { recordKey: this.redactor.redactText(at.recordKey) }),
    };
    // Mirrored only when the level is on: a silent logger (the default) costs no child logger
    // and no copy of the data per event (issue 21). A logger without the check is always told.
    if (this.logger.isLevelEnabled?.(level) !== false) {
      const log = at.step === undefined ? this.logger : this.logger.child({ step: at.step });
      log[level](
        { event: type, ...redacted, ...(event.recordKey ? { recordKey: event.recordKey } : {}) },
        type,
      );
    }
    return event;
  }

  /**
   * Hands every event added so far, after those already being appended, to `write`, which stores
   * them with other changes in one transaction (issue 21: a one-record run's start and finish).
   * `closing` events (see {@link closing}) come last. When `write` throws, the buffered events go
   * back to the front of the buffer for the next flush; the closing ones are dropped.
   */
  async writeWith<T>(
    write: (events: readonly NewRunEvent[]) => Promise<T>,
    closing: readonly NewRunEvent[] = [],
  ): Promise<T> {
    // Appends in flight go first; a failed one put its events back in the buffer, so they are
    // written now, in order.
    for (let current = this.flushing; ; current = this.flushing) {
      await current;
      if (this.flushing === current) break;
    }
    this.failure = undefined;
    const batch = this.buffer;
    this.buffer = [];
    try {
      return await write(closing.length === 0 ? batch : [...batch, ...closing]);
    } catch (error) {
      this.buffer = [...batch, ...this.buffer];
      throw error;
    }
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
