import type { IncomingMessage, ServerResponse } from "node:http";
import {
  answerOAuthCallback,
  nodeCallbackUrl,
  type OAuthCallbackOptions,
  type OAuthCallbackTarget,
} from "./_answer";

/** The part of an Express request the adapter uses (typed structurally: express is an optional peer). */
export type ExpressCallbackRequestLike = IncomingMessage & { originalUrl?: string };

/**
 * An Express handler for the OAuth redirect URI.
 *
 * @example
 * ```ts
 * app.get("/oauth/callback", expressOAuthCallbackHandler(runtime.connections, { successRedirect }));
 * ```
 */
export function expressOAuthCallbackHandler(
  target: OAuthCallbackTarget,
  options: OAuthCallbackOptions = {},
): (request: ExpressCallbackRequestLike, response: ServerResponse) => Promise<void> {
  return async (request, response) => {
    // Mounted under a router, `url` is relative to the mount point; `originalUrl` keeps the query either way.
    const answer = await answerOAuthCallback(
      target,
      nodeCallbackUrl(request.originalUrl ?? request.url),
      options,
    );
    response.writeHead(answer.status, answer.headers).end(answer.body);
  };
}
