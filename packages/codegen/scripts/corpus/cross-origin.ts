/**
 * Counts requests that carry one of the sweep's credentials to another origin than a mock's
 * (issue 19: credentials go only to the environment's own origin; the sweep must count 0).
 */
export class CrossOriginLedger {
  /** The credential values handed to the suite and the collection. */
  readonly secrets: string[] = [];
  /** The mocks' origins: the only places credentials may go. */
  readonly origins = new Set<string>();
  count = 0;

  /** Records one request by its URL and serialised headers. */
  record(url: string, headers: string): void {
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      return;
    }
    if (!this.origins.has(origin) && carries(`${url} ${headers}`, this.secrets)) this.count++;
  }
}

/** Whether a text carries a credential value (raw, or base64 as HTTP basic sends it). */
function carries(text: string, secrets: readonly string[]): boolean {
  return secrets.some(
    (s) => s !== "" && (text.includes(s) || text.includes(Buffer.from(s).toString("base64"))),
  );
}
