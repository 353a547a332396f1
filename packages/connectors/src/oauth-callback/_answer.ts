import type { Connection, ConnectionService } from "@synapseops/core";
import { SynapseError } from "@synapseops/core";

/** What the OAuth callback adapters need: the runtime's `connections` (or anything that completes a flow). */
export type OAuthCallbackTarget = Pick<ConnectionService, "completeAuthorization">;

/** Options every OAuth callback adapter takes. */
export interface OAuthCallbackOptions {
  /**
   * Where the customer's browser goes once connected; `connection=<id>` is added to its query.
   * A function picks it per connection (back to the customer's settings page…).
   * @default none: a short HTML page says the account is connected
   */
  successRedirect?: string | ((connection: Connection) => string);
  /**
   * Where the browser goes when the flow failed; `error=<code>` is added (`OAUTH_FAILED`…).
   * @default none: a short HTML page with status 400 says it failed
   */
  errorRedirect?: string;
  /** Told about every failure (a refused code, an expired state…), for the host's logs. */
  onError?: (error: unknown) => void;
}

/** The answer an adapter sends. */
export interface OAuthCallbackAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function withParam(target: string, name: string, value: string): string {
  const url = new URL(target);
  url.searchParams.set(name, value);
  return url.href;
}

function page(status: number, title: string): OAuthCallbackAnswer {
  return {
    status,
    // No token or code ever goes into the page; the title is one of two fixed texts.
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
    body: `<!doctype html><meta charset="utf-8"><title>${title}</title><p>${title}</p>`,
  };
}

/** Completes the flow for the callback URL and turns the outcome into an HTTP answer. */
export async function answerOAuthCallback(
  target: OAuthCallbackTarget,
  callbackUrl: URL,
  options: OAuthCallbackOptions,
): Promise<OAuthCallbackAnswer> {
  try {
    const connection = await target.completeAuthorization(callbackUrl);
    const redirect =
      typeof options.successRedirect === "function"
        ? options.successRedirect(connection)
        : options.successRedirect;
    if (redirect === undefined) return page(200, "Connected. You can close this window.");
    return { status: 303, headers: { location: withParam(redirect, "connection", connection.id) }, body: "" };
  } catch (error) {
    options.onError?.(error);
    const code = error instanceof SynapseError ? error.code : "INTERNAL";
    if (options.errorRedirect === undefined) return page(400, "The connection failed. Please try again.");
    return { status: 303, headers: { location: withParam(options.errorRedirect, "error", code) }, body: "" };
  }
}

/** The callback URL of a Node request: only its path and query matter (the provider's parameters). */
export function nodeCallbackUrl(path: string | undefined): URL {
  return new URL(path ?? "/", "http://callback.invalid");
}
