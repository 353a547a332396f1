import { createHmac } from "node:crypto";

/** A payment as the example's "Stripe" knows it. */
export interface Payment {
  id: string;
  /** In the currency's minor unit (cents). */
  amount: number;
  currency: string;
  customer: string;
  orderId: string;
}

/** A Stripe-style `payment_intent.succeeded` event (trimmed to what the settlement needs). */
export function paymentSucceeded(eventId: string, payment: Payment): Record<string, unknown> {
  return {
    id: eventId,
    object: "event",
    api_version: "2024-06-20",
    created: 1_735_689_600,
    livemode: false,
    type: "payment_intent.succeeded",
    data: {
      object: {
        id: payment.id,
        object: "payment_intent",
        amount: payment.amount,
        amount_received: payment.amount,
        currency: payment.currency,
        customer: payment.customer,
        status: "succeeded",
        metadata: { order_id: payment.orderId },
      },
    },
  };
}

/** What the webhook endpoint answered one delivery. */
export interface DeliveryAnswer {
  status: number;
  body: { ok: boolean; id?: string; duplicate?: boolean; error?: string };
}

/**
 * Delivers an event the way Stripe does (docs.stripe.com/webhooks#verify-manually): the raw JSON
 * body and `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">` keyed with the
 * endpoint's signing secret. Every delivery, retries included, is signed afresh with the time
 * of sending; the body — and so the event id — stays the same.
 */
export async function deliverStripeEvent(
  endpoint: string,
  signingSecret: string,
  event: Record<string, unknown>,
): Promise<DeliveryAnswer> {
  const body = JSON.stringify(event);
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac("sha256", signingSecret).update(`${t}.${body}`).digest("hex");
  const response = await fetch(endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/json; charset=utf-8",
      "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
      "stripe-signature": `t=${t},v1=${v1}`,
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as DeliveryAnswer["body"] };
}
