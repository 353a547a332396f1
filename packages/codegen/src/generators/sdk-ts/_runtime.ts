/**
 * The runtime every generated TypeScript SDK carries (written as `runtime.ts`): fetch, parameter
 * serialisation, auth, retries with backoff, typed errors, pagination. No dependency beyond
 * `fetch`. Kept free of template literals so it can live in a plain string.
 */
export const RUNTIME_SOURCE = String.raw`/** A credential per security scheme: a token/key string, or a username and password. */
export type Credential = string | { username: string; password: string };

/** A security scheme of the API, as the document declares it. */
export interface SecurityScheme {
  type: string;
  in?: string;
  name?: string;
  scheme?: string;
}

/** Retry settings. Retries use exponential backoff with full jitter and honour Retry-After. */
export interface RetryOptions {
  /** Attempts after the first. @default 2 */
  retries?: number;
  /** First backoff delay in ms. @default 250 */
  baseDelayMs?: number;
  /** Largest delay in ms (Retry-After included). @default 10000 */
  maxDelayMs?: number;
  /** Statuses retried. @default [408, 425, 429, 500, 502, 503, 504] */
  retryOn?: number[];
  /** Retry non-idempotent methods (POST, PATCH) too. @default false */
  retryNonIdempotent?: boolean;
}

/** Settings of a client. */
export interface ClientConfig {
  /** Base URL the operation paths are appended to. */
  baseUrl: string;
  /** Credentials by security scheme name. */
  auth?: { [scheme: string]: Credential | undefined };
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  retry?: RetryOptions;
  /** The fetch to use. @default globalThis.fetch */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
}

/** Per-call settings. */
export interface RequestOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
  retry?: RetryOptions;
}

/** One parameter's serialisation: [location, name, style, explode]. */
export type ParamSpec = [string, string, string, boolean];

/** What a generated operation passes to the client. */
export interface OperationRequest {
  operationId: string;
  method: string;
  path: string;
  params: ParamSpec[];
  args: { path?: object; query?: object; headers?: object; cookies?: object; body?: unknown };
  contentType?: string;
  security: string[][];
}

/** A non-2xx response: status and parsed body, typed per operation by the generated error types. */
export class ApiError<Errors = { [status: string]: unknown }> extends Error {
  override name = "ApiError";
  constructor(
    readonly operationId: string,
    readonly status: number,
    readonly body: Errors[keyof Errors],
    readonly headers: Headers,
  ) {
    super(operationId + " failed with HTTP " + status);
  }
  /** Narrows the body to the documented type of one status. */
  is<S extends keyof Errors & (number | "default")>(status: S): this is ApiError<Errors> & { body: Errors[S] } {
    return status === "default" || this.status === status;
  }
}

const IDEMPOTENT = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);

/** The client every generated operation calls. */
export class Client {
  readonly config: ClientConfig;
  constructor(config: ClientConfig, readonly schemes: { [name: string]: SecurityScheme } = {}) {
    this.config = config;
  }

  async request<T>(op: OperationRequest, options: RequestOptions = {}): Promise<T> {
    const url = new URL(this.config.baseUrl.replace(/\/+$/, "") + expandPath(op.path, op.params, op.args.path ?? {}));
    const headers = new Headers(this.config.headers);
    const cookies: string[] = [];
    for (const [where, name, style, explode] of op.params) {
      if (where === "query") appendQuery(url.searchParams, name, style, explode, (op.args.query as Record<string, unknown> | undefined)?.[name]);
      if (where === "header") {
        const value = (op.args.headers as Record<string, unknown> | undefined)?.[name];
        if (value !== undefined) headers.set(name, serialiseSimple(value, explode));
      }
      if (where === "cookie") {
        const value = (op.args.cookies as Record<string, unknown> | undefined)?.[name];
        if (value !== undefined) cookies.push(name + "=" + encodeURIComponent(serialiseSimple(value, false)));
      }
    }
    this.applyAuth(op.security, url, headers, cookies);
    if (cookies.length > 0) headers.set("cookie", cookies.join("; "));
    for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
    const body = encodeBody(op.args.body, op.contentType, headers);
    const retry = { ...this.config.retry, ...options.retry };
    const retries = retry.retries ?? 2;
    const retryOn = retry.retryOn ?? [408, 425, 429, 500, 502, 503, 504];
    const canRetry = IDEMPOTENT.has(op.method) || retry.retryNonIdempotent === true || headers.has("idempotency-key");
    const doFetch = this.config.fetch ?? ((input: string, init: RequestInit) => fetch(input, init));
    for (let attempt = 0; ; attempt++) {
      const init: RequestInit = { method: op.method, headers };
      if (body !== undefined) init.body = body;
      if (options.signal) init.signal = options.signal;
      let response: Response;
      try {
        response = await fetchWithinOrigin(doFetch, url.toString(), init);
      } catch (error) {
        if (options.signal?.aborted || !canRetry || attempt >= retries) throw error;
        await sleep(backoff(attempt, retry, undefined), options.signal);
        continue;
      }
      if (response.ok) return (await parseBody(response)) as T;
      if (canRetry && attempt < retries && retryOn.includes(response.status)) {
        await response.body?.cancel();
        await sleep(backoff(attempt, retry, response.headers.get("retry-after")), options.signal);
        continue;
      }
      throw new ApiError<never>(op.operationId, response.status, (await parseBody(response)) as never, response.headers);
    }
  }

  private applyAuth(security: string[][], url: URL, headers: Headers, cookies: string[]): void {
    const auth = this.config.auth ?? {};
    const requirement = security.find((names) => names.every((name) => auth[name] !== undefined));
    for (const name of requirement ?? []) {
      const scheme = this.schemes[name];
      const credential = auth[name];
      if (!scheme || credential === undefined) continue;
      if (scheme.type === "apiKey" && typeof credential === "string") {
        if (scheme.in === "query") url.searchParams.set(scheme.name ?? name, credential);
        else if (scheme.in === "cookie") cookies.push((scheme.name ?? name) + "=" + encodeURIComponent(credential));
        else headers.set(scheme.name ?? name, credential);
      } else if (typeof credential === "object") {
        headers.set("authorization", "Basic " + btoa(credential.username + ":" + credential.password));
      } else if (scheme.type === "http" && scheme.scheme?.toLowerCase() === "basic") {
        headers.set("authorization", "Basic " + credential);
      } else {
        headers.set("authorization", "Bearer " + credential);
      }
    }
  }
}

/**
 * Fetches, following redirects only within the request's origin: fetch itself would forward a
 * custom API-key header to any origin a redirect names. A redirect elsewhere is returned as it
 * is and fails as the ApiError of its 3xx status.
 */
async function fetchWithinOrigin(
  doFetch: (input: string, init: RequestInit) => Promise<Response>,
  url: string,
  init: RequestInit,
): Promise<Response> {
  let current = url;
  let request: RequestInit = { ...init, redirect: "manual" };
  for (let hops = 0; ; hops++) {
    const response = await doFetch(current, request);
    const location = response.headers.get("location");
    if (response.status < 301 || response.status > 308 || location === null || hops >= 10) return response;
    const target = new URL(location, current);
    if (target.origin !== new URL(current).origin) return response;
    await response.body?.cancel();
    if (response.status === 303 || (response.status < 303 && request.method === "POST")) {
      const headers = new Headers(request.headers);
      headers.delete("content-type");
      const { body: _dropped, ...rest } = request;
      request = { ...rest, method: "GET", headers };
    }
    current = target.toString();
  }
}

function expandPath(path: string, params: ParamSpec[], values: object): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = (values as Record<string, unknown>)[name];
    if (value === undefined) throw new TypeError("missing path parameter " + name);
    const spec = params.find((p) => p[0] === "path" && p[1] === name);
    const explode = spec?.[3] ?? false;
    const text = serialiseSimple(value, explode);
    const encoded = encodeURIComponent(text).replace(/%2C/g, ",");
    if (spec?.[2] === "label") return "." + encoded;
    if (spec?.[2] === "matrix") return ";" + name + "=" + encoded;
    return encoded;
  });
}

function serialiseSimple(value: unknown, explode: boolean): string {
  if (Array.isArray(value)) return value.map(String).join(",");
  if (value !== null && typeof value === "object") {
    return Object.entries(value)
      .map(([k, v]) => (explode ? k + "=" + String(v) : k + "," + String(v)))
      .join(",");
  }
  return String(value);
}

function appendQuery(search: URLSearchParams, name: string, style: string, explode: boolean, value: unknown): void {
  if (value === undefined) return;
  if (style === "deepObject") return appendDeep(search, name, value);
  if (Array.isArray(value)) {
    if (style === "form" && explode) for (const item of value) search.append(name, String(item));
    else search.append(name, value.map(String).join(style === "spaceDelimited" ? " " : style === "pipeDelimited" ? "|" : ","));
    return;
  }
  if (value !== null && typeof value === "object") {
    if (explode) for (const [k, v] of Object.entries(value)) search.append(k, String(v));
    else search.append(name, Object.entries(value).map(([k, v]) => k + "," + String(v)).join(","));
    return;
  }
  search.append(name, String(value));
}

/** deepObject with bracketed nesting: a[b]=1, a[]=x, a[0][b]=1 (as Stripe reads them). */
function appendDeep(search: URLSearchParams, key: string, value: unknown): void {
  if (value === undefined) return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      if (item !== null && typeof item === "object") appendDeep(search, key + "[" + index + "]", item);
      else search.append(key + "[]", String(item));
    });
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) appendDeep(search, key + "[" + k + "]", v);
  } else search.append(key, String(value));
}

function encodeBody(body: unknown, contentType: string | undefined, headers: Headers): BodyInit | undefined {
  if (body === undefined) return undefined;
  const type = contentType ?? "application/json";
  if (type.includes("json")) {
    headers.set("content-type", type);
    return JSON.stringify(body);
  }
  if (type === "application/x-www-form-urlencoded") {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(body as object)) appendDeep(search, k, v);
    headers.set("content-type", type);
    return search.toString();
  }
  if (type.startsWith("multipart/")) {
    const form = new FormData();
    for (const [k, v] of Object.entries(body as object)) {
      if (v instanceof Blob) form.append(k, v);
      else if (v !== undefined) form.append(k, typeof v === "object" ? JSON.stringify(v) : String(v));
    }
    return form;
  }
  headers.set("content-type", type);
  return body instanceof Blob || typeof body === "string" ? body : JSON.stringify(body);
}

async function parseBody(response: Response): Promise<unknown> {
  if (response.status === 204 || response.status === 205) return undefined;
  const text = await response.text();
  if (text === "") return undefined;
  if (/json/i.test(response.headers.get("content-type") ?? "")) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

function backoff(attempt: number, retry: RetryOptions, retryAfter: string | null | undefined): number {
  const max = retry.maxDelayMs ?? 10_000;
  if (retryAfter) {
    const seconds = Number(retryAfter);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - Date.now();
    if (Number.isFinite(ms) && ms >= 0) return Math.min(ms, max);
  }
  const base = retry.baseDelayMs ?? 250;
  return Math.random() * Math.min(max, base * 2 ** attempt);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

/**
 * Walks pages: calls page(cursor) until next(result) gives no cursor. Generated per-operation
 * helpers use it where the document shows a pattern (cursor + has_more, page numbers).
 */
export async function* paginate<Page, Cursor>(
  page: (cursor: Cursor | undefined) => Promise<Page>,
  next: (result: Page, cursor: Cursor | undefined) => Cursor | undefined,
): AsyncGenerator<Page, void, undefined> {
  let cursor: Cursor | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const result = await page(cursor);
    yield result;
    cursor = next(result, cursor);
    if (cursor === undefined) return;
  }
}
`;
