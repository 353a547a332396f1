import { createHash } from "node:crypto";

/** A response kept for a key, replayed for the same request. */
interface StoredAnswer {
  fingerprint: string;
  status: number;
  headers: [string, string][];
  body: ArrayBuffer;
}

/** What to do with a request carrying an idempotency key. */
export type IdempotencyVerdict =
  | { kind: "new" }
  | { kind: "replay"; response: Response }
  | { kind: "conflict" };

/**
 * Idempotency keys of the mock (in memory, per operation): the first response for a key is
 * kept; the same key with the same body replays it (`idempotent-replayed: true`), with another
 * body is a conflict (IETF draft "The Idempotency-Key HTTP Header Field" §2.6–2.7).
 */
export class IdempotencyKeys {
  private readonly answers = new Map<string, StoredAnswer>();

  check(scope: string, key: string, bodyText: string): IdempotencyVerdict {
    const stored = this.answers.get(`${scope} ${key}`);
    if (!stored) return { kind: "new" };
    if (stored.fingerprint !== fingerprint(bodyText)) return { kind: "conflict" };
    const headers = new Headers(stored.headers);
    headers.set("idempotent-replayed", "true");
    const noBody = stored.status === 204 || stored.status === 304;
    return {
      kind: "replay",
      response: new Response(noBody ? null : stored.body.slice(0), { status: stored.status, headers }),
    };
  }

  /** Keeps a response (5xx are not kept: the client may retry them). Returns a copy to send. */
  async keep(scope: string, key: string, bodyText: string, response: Response): Promise<Response> {
    if (response.status >= 500) return response;
    const body = await response.arrayBuffer();
    this.answers.set(`${scope} ${key}`, {
      fingerprint: fingerprint(bodyText),
      status: response.status,
      headers: [...response.headers.entries()],
      body,
    });
    const noBody = response.status === 204 || response.status === 304;
    return new Response(noBody ? null : body.slice(0), {
      status: response.status,
      headers: response.headers,
    });
  }

  clear(): void {
    this.answers.clear();
  }
}

function fingerprint(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
