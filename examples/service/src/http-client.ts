/** An answer of the service, its body parsed when it is JSON. */
export interface HttpAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** A minimal fetch client for the demo and the tests: real HTTP, JSON in, JSON (or bytes) out. */
export function httpClient(baseUrl: string, options: { token?: string } = {}) {
  const auth: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  async function call<T = unknown>(method: string, path: string, body?: unknown): Promise<HttpAnswer<T>> {
    const response = await fetch(new URL(path, baseUrl), {
      method,
      ...(body === undefined
        ? { headers: auth }
        : { headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(body) }),
    });
    const type = response.headers.get("content-type") ?? "";
    const parsed = /json/.test(type)
      ? await response.json()
      : /^text\//.test(type)
        ? await response.text()
        : new Uint8Array(await response.arrayBuffer());
    return { status: response.status, headers: response.headers, body: parsed as T };
  }
  return {
    call,
    get: <T = unknown>(path: string) => call<T>("GET", path),
    post: <T = unknown>(path: string, body?: unknown) => call<T>("POST", path, body),
    put: <T = unknown>(path: string, body?: unknown) => call<T>("PUT", path, body),
    patch: <T = unknown>(path: string, body?: unknown) => call<T>("PATCH", path, body),
    /** Polls a run until it is SUCCEEDED, FAILED or CANCELLED. */
    async waitForRun<T extends { status: string }>(runId: string, timeoutMs = 20_000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { body } = await call<T>("GET", `/runs/${runId}`);
        if (["SUCCEEDED", "FAILED", "CANCELLED"].includes(body.status)) return body;
        if (Date.now() > deadline)
          throw new Error(`run ${runId} is still ${body.status} after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

/** The client {@link httpClient} returns. */
export type HttpClient = ReturnType<typeof httpClient>;
