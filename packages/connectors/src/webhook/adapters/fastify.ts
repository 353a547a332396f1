import type { WebhookHeaders } from "../headers";
import type { WebhookReceiver } from "../receiver";
import { answer, refusal, type WebhookAdapterOptions } from "./_respond";

/** The callback Fastify gives a content-type parser. */
export type FastifyParserDone = (error: Error | null, body?: Buffer) => void;

/** The part of a Fastify instance the plugin uses (typed structurally: fastify is an optional peer). */
export interface FastifyInstanceLike {
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    contentType: string,
    options: { parseAs: "buffer"; bodyLimit?: number },
    parser: (request: unknown, body: Buffer, done: FastifyParserDone) => void,
  ): void;
  post(
    path: string,
    handler: (
      request: { body: unknown; headers: WebhookHeaders },
      reply: FastifyReplyLike,
    ) => Promise<unknown>,
  ): void;
}

/** The part of a Fastify reply the plugin uses. */
export interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  send(payload: unknown): FastifyReplyLike;
}

/**
 * A Fastify plugin that adds `POST <path>` for webhooks. Inside its own encapsulated scope it
 * replaces the body parsers with one that keeps the raw bytes, so the rest of the app keeps
 * parsing JSON as usual. Fastify answers 413 itself past `maxBodyBytes`.
 *
 * @example
 * ```ts
 * await app.register(fastifyWebhookPlugin(receiver, { path: "/webhooks/github" }));
 * ```
 */
export function fastifyWebhookPlugin(
  receiver: WebhookReceiver,
  options: WebhookAdapterOptions & { path: string },
): (instance: FastifyInstanceLike) => Promise<void> {
  return async (instance) => {
    instance.removeAllContentTypeParsers();
    instance.addContentTypeParser(
      "*",
      { parseAs: "buffer", bodyLimit: receiver.maxBodyBytes },
      (_request, body, done) => done(null, body),
    );
    instance.post(options.path, async (request, reply) => {
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const result = await answer(receiver, rawBody, request.headers, options).catch((error: unknown) =>
        refusal(error, options),
      );
      return reply.code(result.status).send(result.body);
    });
  };
}
