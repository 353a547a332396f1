import type { IncomingMessage, ServerResponse } from "node:http";
import type { WebhookReceiver } from "../receiver";
import { answer, readNodeBody, refusal, type WebhookAdapterOptions, type WebhookAnswer } from "./_respond";

/**
 * A `node:http` request listener: reads the raw body, verifies and dispatches it, answers JSON
 * (200, or the refusal's status: 400, 401, 409, 413; 500 when `onDelivery` failed).
 *
 * @example
 * ```ts
 * createServer(nodeWebhookHandler(receiver)).listen(3000);
 * ```
 */
export function nodeWebhookHandler(
  receiver: WebhookReceiver,
  options: WebhookAdapterOptions = {},
): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  return async (request, response) => {
    let result: WebhookAnswer;
    try {
      const rawBody = await readNodeBody(request, receiver.maxBodyBytes);
      result = await answer(receiver, rawBody, request.headers, options);
    } catch (error) {
      result = refusal(error, options);
    }
    response.writeHead(result.status, { "content-type": "application/json" });
    response.end(JSON.stringify(result.body));
  };
}
