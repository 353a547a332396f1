import type { IncomingMessage } from "node:http";
import { WebhookVerificationError } from "../errors";
import type { WebhookHeaders } from "../headers";
import type { WebhookReceiver } from "../receiver";

/** The answer an adapter sends. */
export interface WebhookAnswer {
  status: number;
  body: { ok: true; id: string; duplicate: boolean } | { ok: false; error: string; message: string };
}

/** Options every adapter takes. */
export interface WebhookAdapterOptions {
  /** Told about deliveries that failed in `onDelivery` (answered 500 so the sender retries). */
  onError?: (error: unknown) => void;
}

/** Runs the receiver and turns its outcome into an HTTP answer. */
export async function answer(
  receiver: WebhookReceiver,
  rawBody: Uint8Array,
  headers: WebhookHeaders,
  options: WebhookAdapterOptions,
): Promise<WebhookAnswer> {
  try {
    const receipt = await receiver.receive({ rawBody, headers });
    return {
      status: 200,
      body: { ok: true, id: receipt.delivery.id, duplicate: receipt.status === "duplicate" },
    };
  } catch (error) {
    return refusal(error, options);
  }
}

/** The answer for an error: a refusal's own status, else 500 without internals. */
export function refusal(error: unknown, options: WebhookAdapterOptions): WebhookAnswer {
  if (error instanceof WebhookVerificationError) {
    return { status: error.httpStatus, body: { ok: false, error: error.reason, message: error.message } };
  }
  options.onError?.(error);
  return {
    status: 500,
    body: { ok: false, error: "delivery_failed", message: "the delivery could not be processed" },
  };
}

/** Reads a Node request's raw body, refusing more than `maxBytes` (declared or actual). */
export async function readNodeBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const tooLarge = (size: string): WebhookVerificationError =>
    new WebhookVerificationError(
      "body_too_large",
      `webhook body of ${size} bytes exceeds maxBodyBytes ${maxBytes}`,
    );
  const declared = Number(request.headers["content-length"] ?? Number.NaN);
  if (declared > maxBytes) {
    request.resume();
    throw tooLarge(String(declared));
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      request.resume();
      throw tooLarge(`more than ${maxBytes}`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
