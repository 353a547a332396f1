import type { BlueprintBodyInput } from "@synapseops/core";
import { paymentSucceeded } from "./stripe";

/** Settlements above this many cents wait for a finance lead's approval. */
export const APPROVAL_THRESHOLD_CENTS = 1_000_000; // 10,000.00

/** The settlement the finance system books. */
export const settlementSchema = {
  type: "object",
  required: ["paymentId", "orderId", "amount", "amountCents", "currency"],
  properties: {
    paymentId: { type: "string" },
    orderId: { type: "string" },
    customer: { type: "string" },
    amount: { type: "number" },
    amountCents: { type: "integer" },
    currency: { type: "string", pattern: "^[A-Z]{3}$" },
    source: { const: "stripe" },
  },
} as const;

/**
 * Stripe payment events → settlements:
 *
 * - the idempotency key is the *payment* (`data.object.id`): whichever way an event arrives
 *   again, one payment settles once, and the key travels to the finance system as its
 *   `Idempotency-Key` header;
 * - `settle` retries a failed call 3 times with exponential backoff (50 → 100 → 200 ms, no
 *   jitter so the example prints the same delays every time), then dead-letters the record;
 * - `large-settlement` holds settlements over {@link APPROVAL_THRESHOLD_CENTS} for a person.
 */
export function settlementBlueprint(source: string, finance: string): BlueprintBodyInput {
  return {
    description: "settle every succeeded Stripe payment in the ledger",
    trigger: { kind: "webhook" },
    source: { connector: source },
    target: { connector: finance, schema: settlementSchema },
    idempotencyKey: "data.object.id",
    mappings: [
      {
        id: "settlement",
        rules: [
          { target: "paymentId", from: "data.object.id" },
          { target: "orderId", from: "data.object.metadata.order_id" },
          { target: "customer", from: "data.object.customer" },
          { target: "amount", expr: "data.object.amount / 100" },
          { target: "amountCents", from: "data.object.amount", transforms: ["to_int"] },
          { target: "currency", from: "data.object.currency", transforms: ["upper"] },
          { target: "source", const: "stripe" },
        ],
        outputSchema: settlementSchema,
        samples: [
          {
            name: "a succeeded payment",
            input: paymentSucceeded("evt_sample", {
              id: "pi_sample",
              amount: 4250,
              currency: "eur",
              customer: "cus_sample",
              orderId: "ord_1",
            }),
            output: {
              paymentId: "pi_sample",
              orderId: "ord_1",
              customer: "cus_sample",
              amount: 42.5,
              amountCents: 4250,
              currency: "EUR",
              source: "stripe",
            },
          },
        ],
      },
    ],
    steps: [
      { id: "succeeded-only", kind: "filter", condition: "type = 'payment_intent.succeeded'" },
      { id: "to-settlement", kind: "map", mapping: "settlement" },
      { id: "large-settlement", kind: "approval", when: `amountCents > ${APPROVAL_THRESHOLD_CENTS}` },
      {
        id: "settle",
        kind: "send",
        connector: finance,
        policy: {
          retry: { maxAttempts: 4, initialDelayMs: 50, multiplier: 2, maxDelayMs: 1_000, jitter: "none" },
          timeoutMs: 10_000,
        },
      },
    ],
  };
}
