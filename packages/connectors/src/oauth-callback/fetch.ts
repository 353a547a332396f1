import { answerOAuthCallback, type OAuthCallbackOptions, type OAuthCallbackTarget } from "./_answer";

/**
 * A fetch-style handler (`Request` → `Response`) for the OAuth redirect URI: Bun, Deno, Cloudflare
 * Workers or any WHATWG server.
 *
 * @example
 * ```ts
 * export default { fetch: fetchOAuthCallbackHandler(runtime.connections) };
 * ```
 */
export function fetchOAuthCallbackHandler(
  target: OAuthCallbackTarget,
  options: OAuthCallbackOptions = {},
): (request: Request) => Promise<Response> {
  return async (request) => {
    const answer = await answerOAuthCallback(target, new URL(request.url), options);
    return new Response(answer.body === "" ? null : answer.body, {
      status: answer.status,
      headers: answer.headers,
    });
  };
}

/** The part of a Hono context the handler uses (typed structurally: hono is an optional peer). */
export interface HonoCallbackContextLike {
  req: { raw: Request };
}

/**
 * A Hono handler for the OAuth redirect URI.
 *
 * @example
 * ```ts
 * app.get("/oauth/callback", honoOAuthCallbackHandler(runtime.connections, { successRedirect }));
 * ```
 */
export function honoOAuthCallbackHandler(
  target: OAuthCallbackTarget,
  options: OAuthCallbackOptions = {},
): (context: HonoCallbackContextLike) => Promise<Response> {
  const handle = fetchOAuthCallbackHandler(target, options);
  return (context) => handle(context.req.raw);
}
