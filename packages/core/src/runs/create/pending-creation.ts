import { withResolvers } from "../../with-resolvers";

/**
 * A one-record run not yet written (issue 21): its creator hands it to this process's executor,
 * which writes it together with its start — one statement and one commit fewer per arrival — and
 * settles this; the creator returns the run to its caller only then, so an arrival is still
 * acknowledged only once its run is in the store.
 */
export class PendingCreation {
  readonly #written = withResolvers<boolean>();
  #open = true;

  /** Resolves true once the run is written, false when its blueprint's guard refused it. */
  get written(): Promise<boolean> {
    return this.#written.promise;
  }

  /** Whether the run is still to be written. */
  get open(): boolean {
    return this.#open;
  }

  /** The write ended: the run is in the store (true) or was refused, nothing written (false). */
  resolve(created: boolean): void {
    if (!this.#open) return;
    this.#open = false;
    this.#written.resolve(created);
  }

  /** The write failed or will never happen: nothing was written; the creator throws `error`. */
  reject(error: unknown): void {
    if (!this.#open) return;
    this.#open = false;
    this.#written.reject(error);
  }
}
