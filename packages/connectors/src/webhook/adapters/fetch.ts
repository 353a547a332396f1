import { WebhookVerificationError } from "../errors";
import type { WebhookReceiver } from "../receiver";
import { answer, refusal, type WebhookAdapterOptions, type WebhookAnswer } from "./_respond";

/**
 * A fetch-style handler (`Request` → `Response`) for Hono, Bun, Deno or any WHATWG server.
 *
 * @example
 * ```ts
 * export default { fetch: fetchWebhookHandler(receiver) };
 * ```
 */
export function fetchWebhookHandler(
  receiver: WebhookReceiver,
  options: WebhookAdapterOptions = {},
): (request: Request) => Promise<Response> {
  return async (request) => {
    let result: WebhookAnswer;
    try {
      const declared = Number(request.headers.get("content-length") ?? Number.NaN);
      if (declared > receiver.maxBodyBytes) {
        throw new WebhookVerificationError(
          "body_too_large",
          `webhook body of ${declared} bytes exceeds maxBodyBytes ${receiver.maxBodyBytes}`,
        );
      }
      const rawBody = new Uint8Array(await request.arrayBuffer());
      result = await answer(receiver, rawBody, request.headers, options);
    } catch (error) {
      result = refusal(error, options);
    }
    return Response.json(result.body, { status: result.status });
  };
}

/** The part of a Hono context the adapter uses (typed structurally: hono is an optional peer). */
export interface HonoContextLike {
  req: { raw: Request };
}

/**
 * A Hono handler. Hono gives the untouched `Request`, so the raw body is what was sent.
 *
 * @example
 * ```ts
 * app.post("/webhooks/shop", honoWebhookHandler(receiver));
 * ```
 */
export function honoWebhookHandler(
  receiver: WebhookReceiver,
  options: WebhookAdapterOptions = {},
): (context: HonoContextLike) => Promise<Response> {
  const handle = fetchWebhookHandler(receiver, options);
  return (context) => handle(context.req.raw);
}
