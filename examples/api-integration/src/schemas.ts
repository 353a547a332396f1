/** JSON Schema of a shop's order webhook (a Shopify-style order, trimmed to what we map). */
export const shopOrderSchema = {
  type: "object",
  required: ["id", "email", "total_price", "currency"],
  properties: {
    id: { type: "integer" },
    email: { type: "string", format: "email" },
    currency: { type: "string" },
    total_price: { type: "string", description: 'decimal string, e.g. "199.00"' },
    financial_status: { type: "string", enum: ["pending", "paid", "refunded"] },
    customer: {
      type: "object",
      properties: { first_name: { type: "string" }, last_name: { type: "string" } },
    },
  },
} as const;

/** JSON Schema of the ERP's sales order. */
export const erpSalesOrderSchema = {
  type: "object",
  required: ["externalId", "email", "currency", "total"],
  properties: {
    externalId: { type: "string" },
    email: { type: "string" },
    currency: { type: "string" },
    total: { type: "number" },
    status: { type: "string" },
    customerName: { type: "string" },
  },
} as const;

/** One order as the shop sends it. */
export const sampleOrder = {
  id: 450789469,
  email: "ada@example.com",
  currency: "EUR",
  total_price: "199.00",
  financial_status: "paid",
  customer: { first_name: "Ada", last_name: "Lovelace" },
};

/** Orders as the shop sends them in webhooks: two paid, one still pending. */
export const orders = {
  ada: sampleOrder,
  grace: {
    ...sampleOrder,
    id: 450789470,
    email: "grace@example.com",
    total_price: "42.50",
    customer: { first_name: "Grace", last_name: "Hopper" },
  },
  pending: {
    ...sampleOrder,
    id: 450789471,
    email: "alan@example.com",
    total_price: "12.00",
    financial_status: "pending",
    customer: { first_name: "Alan", last_name: "Turing" },
  },
};
