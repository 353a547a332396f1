import type { IncomingMessage, ServerResponse } from "node:http";
import type { WebhookReceiver } from "../receiver";
import { answer, readNodeBody, refusal, type WebhookAdapterOptions, type WebhookAnswer } from "./_respond";

/** The part of an Express request the adapter uses (typed structurally: express is an optional peer). */
export type ExpressRequestLike = IncomingMessage & { body?: unknown };

/**
 * An Express handler. Mount it before any body parser, or behind `express.raw({ type: "*\/*" })`:
 * a body that `express.json()` already parsed cannot be verified (re-serialised JSON differs
 * from the signed bytes), and is refused with 500 and a message saying so.
 *
 * @example
 * ```ts
 * app.post("/webhooks/stripe", expressWebhookHandler(receiver));
 * ```
 */
export function expressWebhookHandler(
  receiver: WebhookReceiver,
  options: WebhookAdapterOptions = {},
): (request: ExpressRequestLike, response: ServerResponse) => Promise<void> {
  return async (request, response) => {
    let result: WebhookAnswer;
    try {
      let rawBody: Uint8Array;
      if (Buffer.isBuffer(request.body)) rawBody = request.body;
      else if (request.body === undefined || request.readableEnded === false) {
        rawBody = await readNodeBody(request, receiver.maxBodyBytes);
      } else {
        result = {
          status: 500,
          body: {
            ok: false,
            error: "body_already_parsed",
            message: "mount the webhook route before express.json(), or behind express.raw()",
          },
        };
        response.writeHead(result.status, { "content-type": "application/json" });
        response.end(JSON.stringify(result.body));
        return;
      }
      result = await answer(receiver, rawBody, request.headers, options);
    } catch (error) {
      result = refusal(error, options);
    }
    response.writeHead(result.status, { "content-type": "application/json" });
    response.end(JSON.stringify(result.body));
  };
}
