import type { IncomingMessage, ServerResponse } from "node:http";
import {
  answerOAuthCallback,
  nodeCallbackUrl,
  type OAuthCallbackOptions,
  type OAuthCallbackTarget,
} from "./_answer";

/**
 * A Node `http` handler for the OAuth redirect URI: completes the flow from the request's query
 * (`code`, `state`, `iss`) and redirects the browser (or shows a short page).
 *
 * @example
 * ```ts
 * createServer(nodeOAuthCallbackHandler(runtime.connections, { successRedirect: "https://app.example/settings" }));
 * ```
 */
export function nodeOAuthCallbackHandler(
  target: OAuthCallbackTarget,
  options: OAuthCallbackOptions = {},
): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  return async (request, response) => {
    const answer = await answerOAuthCallback(target, nodeCallbackUrl(request.url), options);
    response.writeHead(answer.status, answer.headers).end(answer.body);
  };
}
