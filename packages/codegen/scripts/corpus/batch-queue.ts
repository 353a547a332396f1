/**
 * Folders checked together, `size` at a time, by a tool whose start-up dominates a per-document
 * run (tsc, mypy): each `add` gets its own folder's result once its batch ran. Batches run one
 * after another, so a sweep never has two of the same tool in memory.
 */
export class BatchQueue<T> {
  private pending: { dir: string; settle: (result: T) => void; fail: (error: unknown) => void }[] = [];
  private tail: Promise<void> = Promise.resolve();
  private batches = 0;

  constructor(
    readonly size: number,
    private readonly check: (dirs: readonly string[], name: string) => Promise<Map<string, T>>,
    private readonly prefix: string,
  ) {}

  /** The result for `dir`, once a batch holding it ran (a full batch starts at once). */
  add(dir: string): Promise<T> {
    const result = new Promise<T>((settle, fail) => this.pending.push({ dir, settle, fail }));
    if (this.pending.length >= this.size) this.flush();
    return result;
  }

  /** Starts a batch of whatever is waiting (the end of a sweep). */
  flush(): void {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.size);
      const name = `${this.prefix}${this.batches++}`;
      this.tail = this.tail.then(async () => {
        try {
          const results = await this.check(
            batch.map((b) => b.dir),
            name,
          );
          for (const { dir, settle, fail } of batch) {
            const result = results.get(dir);
            if (result === undefined) fail(new Error(`${name}: no result for ${dir}`));
            else settle(result);
          }
        } catch (error) {
          for (const { fail } of batch) fail(error);
        }
      });
    }
  }
}
