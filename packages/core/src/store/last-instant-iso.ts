/**
 * `new Date(ms).toISOString()` remembered for the last instant asked. Records claimed or completed
 * one after another mostly fall in the same millisecond (≈ 13 µs each in memory), and each claim
 * wrote three ISO timestamps (≈ 0.3 µs apiece, issue 21). One instance per kind of instant (now,
 * a lease's end, an expiry), so the kinds do not evict each other.
 */
export class LastInstantIso {
  #ms = Number.NaN;
  #iso = "";

  /** The ISO 8601 form of the instant `ms` (milliseconds since the epoch). */
  of(ms: number): string {
    if (ms !== this.#ms) {
      this.#iso = new Date(ms).toISOString();
      this.#ms = ms;
    }
    return this.#iso;
  }
}

/** `Date.parse` remembered for the last text asked: the reverse of {@link LastInstantIso}. */
export class LastParsedInstant {
  #text: string | undefined;
  #ms = Number.NaN;

  /** Milliseconds since the epoch of an ISO 8601 text (NaN when it is not a date). */
  of(text: string): number {
    if (text !== this.#text) {
      this.#ms = Date.parse(text);
      this.#text = text;
    }
    return this.#ms;
  }
}
