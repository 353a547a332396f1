import { createHmac } from "node:crypto";

/** One webhook delivery as a Shopify-style shop sends it. */
export interface ShopDelivery {
  webhookId: string;
  topic: string;
  order: Record<string, unknown>;
  /** Sign with this secret instead of the app's (to show a forged delivery). */
  signWith?: string;
}

/** What the receiving endpoint answered. */
export interface ShopDeliveryResult {
  status: number;
  body: { ok: boolean; duplicate?: boolean; error?: string };
}

/**
 * POSTs an order webhook the way Shopify does (shopify.dev, "Verify webhooks"): the raw JSON
 * body, `X-Shopify-Hmac-Sha256` = base64 HMAC-SHA256 of that body keyed with the app's client
 * secret, and the topic, shop domain and webhook id headers.
 */
export async function deliverOrderWebhook(
  endpoint: string,
  secret: string,
  delivery: ShopDelivery,
): Promise<ShopDeliveryResult> {
  const body = JSON.stringify(delivery.order);
  const hmac = createHmac("sha256", delivery.signWith ?? secret)
    .update(body)
    .digest("base64");
  const response = await fetch(endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": delivery.topic,
      "x-shopify-shop-domain": "ada-widgets.myshopify.com",
      "x-shopify-api-version": "2025-01",
      "x-shopify-webhook-id": delivery.webhookId,
      "x-shopify-hmac-sha256": hmac,
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as ShopDeliveryResult["body"] };
}
