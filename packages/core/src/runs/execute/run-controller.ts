/**
 * A run's controller in this process, which also aborts the controllers that follow it (a
 * leased batch's, leased-batch.ts) — without a listener added to and removed from its signal per
 * batch: in Node 20 `addEventListener` and `removeEventListener` cost ≈ 2.5 µs a pair, paid by
 * every one-record run (issue 21).
 */
export class RunController extends AbortController {
  readonly #followers = new Set<AbortController>();

  /**
   * Aborts the run here, then each follower with the run's reason (as a listener on the run's
   * signal would, after the signal's own listeners).
   */
  override abort(reason?: unknown): void {
    const wasAborted = this.signal.aborted;
    super.abort(reason);
    if (wasAborted) return;
    for (const follower of this.#followers) follower.abort(this.signal.reason);
  }

  /**
   * Aborts `follower` when the run aborts from now on, until {@link unfollow}. A run already
   * aborted does not abort it (as a listener added to an aborted signal never fires).
   */
  follow(follower: AbortController): void {
    if (!this.signal.aborted) this.#followers.add(follower);
  }

  /** Stops aborting `follower` with the run. */
  unfollow(follower: AbortController): void {
    this.#followers.delete(follower);
  }
}
