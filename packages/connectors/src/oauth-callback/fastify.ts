import {
  answerOAuthCallback,
  nodeCallbackUrl,
  type OAuthCallbackOptions,
  type OAuthCallbackTarget,
} from "./_answer";

/** The part of a Fastify reply the handler uses (typed structurally: fastify is an optional peer). */
export interface FastifyCallbackReplyLike {
  code(status: number): FastifyCallbackReplyLike;
  headers(values: Record<string, string>): FastifyCallbackReplyLike;
  send(payload: string): FastifyCallbackReplyLike;
}

/**
 * A Fastify route handler for the OAuth redirect URI.
 *
 * @example
 * ```ts
 * app.get("/oauth/callback", fastifyOAuthCallbackHandler(runtime.connections, { successRedirect }));
 * ```
 */
export function fastifyOAuthCallbackHandler(
  target: OAuthCallbackTarget,
  options: OAuthCallbackOptions = {},
): (request: { url: string }, reply: FastifyCallbackReplyLike) => Promise<FastifyCallbackReplyLike> {
  return async (request, reply) => {
    const answer = await answerOAuthCallback(target, nodeCallbackUrl(request.url), options);
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  };
}
