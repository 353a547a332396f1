import {
  type ConnectorContext,
  ConnectorError,
  connectorErrorFromStatus,
  isRetryableNetworkError,
  SynapseError,
} from "@synapseops/core";
import { requireSecret } from "./_secret";
import { type EncodedBody, isJsonContentType } from "./body";
import type { HttpConfig } from "./config";
import { errorCode, type OAuth2TokenCache } from "./oauth2";

/** A request hook for custom schemes (HMAC-signed APIs): gets the final request, returns the one to send. */
export type HttpSignHook = (request: Request, context: ConnectorContext) => Request | Promise<Request>;

/** One HTTP call, before auth. */
export interface HttpCall {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: EncodedBody;
  config: Pick<HttpConfig, "timeoutMs" | "maxResponseBytes" | "auth" | "headers">;
  context: ConnectorContext;
}

/** What an HTTP call answered (2xx only; others throw). */
export interface HttpResult {
  status: number;
  headers: Headers;
  /** Parsed JSON for JSON responses, text otherwise, `undefined` when empty. */
  body: unknown;
  url: string;
}

/** Sends calls with auth, timeout, size limit and error classification. */
export interface HttpSender {
  send(call: HttpCall): Promise<HttpResult>;
}

/** Builds the sender the http and openapi connectors share. */
export function httpSender(options: {
  fetch: typeof fetch;
  sign?: HttpSignHook | undefined;
  tokens: OAuth2TokenCache;
}): HttpSender {
  const { fetch: fetchImpl, sign, tokens } = options;

  async function attempt(call: HttpCall, forceToken: boolean, signal: AbortSignal): Promise<Response> {
    const { config, context } = call;
    let url = call.url;
    const headers: Record<string, string> = {
      accept: "application/json",
      ...config.headers,
      ...call.headers,
    };
    if (call.body !== undefined) headers["content-type"] ??= call.body.contentType;
    const auth = config.auth;
    switch (auth.type) {
      case "none":
        break;
      case "apiKey": {
        const key = requireSecret(context, auth.secret, "http");
        if (auth.in === "header") headers[auth.name] = key;
        else if (auth.in === "cookie") {
          const cookie = `${auth.name}=${encodeURIComponent(key)}`;
          headers.cookie = headers.cookie === undefined ? cookie : `${headers.cookie}; ${cookie}`;
        } else {
          url = new URL(url);
          url.searchParams.set(auth.name, key);
        }
        break;
      }
      case "bearer":
        headers.authorization = `Bearer ${requireSecret(context, auth.secret, "http")}`;
        break;
      case "basic": {
        // RFC 7617 §2: base64 of "user-id:password" in UTF-8.
        const pair = `${auth.username}:${requireSecret(context, auth.secret, "http")}`;
        headers.authorization = `Basic ${Buffer.from(pair, "utf8").toString("base64")}`;
        break;
      }
      case "oauth2ClientCredentials":
        headers.authorization = `Bearer ${await tokens.token(auth, context, { force: forceToken })}`;
        break;
    }
    // Redirects are followed below, by hand: fetch forwards a custom API-key header (`X-Api-Key`)
    // to any origin a redirect names, and drops only Authorization and Cookie (issue 19).
    const init: RequestInit = { method: call.method, headers, signal, redirect: "manual" };
    if (call.body !== undefined) init.body = call.body.body;
    if (sign === undefined) return fetchImpl(url.href, init);
    return fetchImpl(await sign(new Request(url.href, init), context));
  }

  return {
    async send(call) {
      const deadline = callSignal(call.context.signal, call.config.timeoutMs);
      try {
        let current = call;
        let response = await attempt(current, false, deadline.signal);
        if (response.status === 401 && call.config.auth.type === "oauth2ClientCredentials") {
          // The token may have been revoked before its expiry: fetch a new one, once.
          await response.body?.cancel();
          tokens.invalidate(call.config.auth);
          response = await attempt(current, true, deadline.signal);
        } else if (
          response.status === 401 &&
          call.context.connection !== undefined &&
          call.config.auth.type !== "none"
        ) {
          // A customer's connection (issue 22): its token may have expired or been rotated
          // elsewhere. Renew once (one refresh across workers); a broken connection throws here,
          // typed and not retryable, instead of the 401.
          await response.body?.cancel();
          const secrets = await call.context.connection.renewSecrets();
          current = {
            ...current,
            context: { ...current.context, secrets: { ...current.context.secrets, ...secrets } },
          };
          response = await attempt(current, false, deadline.signal);
        }
        for (let hops = 0; isRedirect(response); hops += 1) {
          await response.body?.cancel();
          current = redirected(current, response, hops);
          response = await attempt(current, false, deadline.signal);
        }
        const where = describeCall(current);
        const text = await readText(response, call.config.maxResponseBytes, where);
        if (!response.ok) {
          throw connectorErrorFromStatus(
            response.status,
            `${where}: ${response.status} ${response.statusText}${snippet(text)}`,
            { retryAfter: response.headers.get("retry-after") },
          );
        }
        return {
          status: response.status,
          headers: response.headers,
          body: decode(text, response, where),
          url: response.url || current.url.href,
        };
      } catch (error) {
        throw classify(error, call, describeCall(call));
      } finally {
        deadline.dispose();
      }
    },
  };
}

const MAX_REDIRECTS = 10;

function isRedirect(response: Response): boolean {
  return [301, 302, 303, 307, 308].includes(response.status) && response.headers.has("location");
}

/**
 * The call a redirect asks for (RFC 9110 §15.4): the same origin only — credentials never go to
 * another one, so a redirect there is an error naming it (issue 19). 303, and 301/302 after a
 * POST, become a GET without a body, as browsers do.
 */
function redirected(call: HttpCall, response: Response, hops: number): HttpCall {
  const where = describeCall(call);
  if (hops >= MAX_REDIRECTS)
    throw ConnectorError.nonRetryable(`${where}: more than ${MAX_REDIRECTS} redirects`, {
      status: response.status,
    });
  let target: URL;
  try {
    target = new URL(response.headers.get("location") ?? "", call.url);
  } catch (cause) {
    throw ConnectorError.nonRetryable(`${where}: ${response.status} redirect to an invalid Location`, {
      status: response.status,
      cause,
    });
  }
  if (target.origin !== call.url.origin)
    throw ConnectorError.nonRetryable(
      `${where}: ${response.status} redirect to another origin (${target.origin}) not followed: credentials go only to ${call.url.origin}`,
      { status: response.status },
    );
  const toGet =
    response.status === 303 ? call.method !== "HEAD" : response.status <= 302 && call.method === "POST";
  if (!toGet) return { ...call, url: target };
  const { body: _body, ...rest } = call;
  const headers = Object.fromEntries(
    Object.entries(call.headers).filter(([name]) => !/^content-(type|length|encoding)$/i.test(name)),
  );
  return { ...rest, method: "GET", url: target, headers };
}

/** `[POST] "https://host/path"`: no query, which may hold an API key. */
function describeCall(call: HttpCall): string {
  return `[${call.method}] "${call.url.origin}${call.url.pathname}"`;
}

/**
 * The call's signal: the context's, plus the per-call timeout, whose timer is cleared when the
 * call ends (an `AbortSignal.timeout` timer would outlive it). `AbortSignal.any` rather than a
 * listener on the context's signal: many calls share one run's signal.
 */
function callSignal(parent: AbortSignal, timeoutMs: number): { signal: AbortSignal; dispose(): void } {
  const timeout = new AbortController();
  const timer = setTimeout(
    () => timeout.abort(new DOMException(`no answer within ${timeoutMs} ms`, "TimeoutError")),
    timeoutMs,
  );
  return {
    signal: AbortSignal.any([parent, timeout.signal]),
    dispose() {
      clearTimeout(timer);
    },
  };
}

async function readText(response: Response, maxBytes: number, where: string): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw ConnectorError.nonRetryable(
      `${where}: response of ${declared} bytes exceeds maxResponseBytes ${maxBytes}`,
      {
        status: response.status,
      },
    );
  }
  if (!Number.isNaN(declared) || response.body === null) return response.text();
  // No Content-Length (chunked): count while reading so a huge body cannot exhaust memory.
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw ConnectorError.nonRetryable(`${where}: response exceeds maxResponseBytes ${maxBytes}`, {
        status: response.status,
      });
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function decode(text: string, response: Response, where: string): unknown {
  if (text === "") return undefined;
  if (!isJsonContentType(response.headers.get("content-type"))) return text;
  try {
    return JSON.parse(text);
  } catch (error) {
    // The peer did answer 2xx: retrying a write could duplicate it, so this is not retryable.
    throw ConnectorError.nonRetryable(
      `${where}: ${response.status} response is not valid JSON${snippet(text)}`,
      {
        status: response.status,
        cause: error,
      },
    );
  }
}

function classify(error: unknown, call: HttpCall, where: string): SynapseError {
  if (error instanceof SynapseError) return error;
  if (call.context.signal.aborted) {
    return ConnectorError.nonRetryable(`${where}: cancelled`, { cause: error });
  }
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return new ConnectorError(`${where}: no answer within ${call.config.timeoutMs} ms`, {
      retryable: true,
      cause: error,
    });
  }
  return new ConnectorError(`${where}: request failed (${errorCode(error)})`, {
    retryable: isRetryableNetworkError(error),
    cause: error,
  });
}

/** The start of an error body, for messages (they are logged; never the whole body). */
function snippet(text: string): string {
  if (text === "") return "";
  const flat = text.replace(/\s+/g, " ").trim();
  return ` — ${flat.length > 200 ? `${flat.slice(0, 200)}…` : flat}`;
}
