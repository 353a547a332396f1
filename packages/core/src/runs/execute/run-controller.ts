/**
 * A run's controller in this process, which also aborts the controllers that follow it (a
 * leased batch's, leased-batch.ts) — without a listener added to and removed from its signal per
 * batch: in Node 20 `addEventListener` and `removeEventListener` cost ≈ 2.5 µs a pair, paid by
 * every one-record run (issue 21).
 */
export class RunController extends AbortController {
  /** A few at most (a run's batches in flight here): an array, no identity hash per follower. */
  readonly #followers: AbortController[] = [];
  /** Whether `abort` was called (the signal aborts only through it), without the signal's getters. */
  #aborted = false;

  /**
   * Aborts the run here, then each follower with the run's reason (as a listener on the run's
   * signal would, after the signal's own listeners).
   */
  override abort(reason?: unknown): void {
    const wasAborted = this.#aborted;
    this.#aborted = true;
    super.abort(reason);
    if (wasAborted) return;
    for (const follower of [...this.#followers]) follower.abort(this.signal.reason);
  }

  /**
   * Aborts `follower` when the run aborts from now on, until {@link unfollow}. A run already
   * aborted does not abort it (as a listener added to an aborted signal never fires).
   */
  follow(follower: AbortController): void {
    if (!this.#aborted) this.#followers.push(follower);
  }

  /** Stops aborting `follower` with the run. */
  unfollow(follower: AbortController): void {
    const at = this.#followers.indexOf(follower);
    if (at !== -1) this.#followers.splice(at, 1);
  }
}
