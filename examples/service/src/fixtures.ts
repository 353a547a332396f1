/** The shop order → ERP sales order integration the demo, the tests and the console start from. */

export const orderSchema = {
  type: "object",
  required: ["id", "email", "total_price"],
  properties: {
    id: { type: "string" },
    email: { type: "string" },
    total_price: { type: "string", description: "Decimal text, as the shop sends it." },
    sku: { type: "string" },
  },
} as const;

export const salesOrderSchema = {
  type: "object",
  required: ["orderId", "customerEmail", "amount"],
  properties: {
    orderId: { type: "string" },
    customerEmail: { type: "string" },
    amount: { type: "number" },
    sku: { type: "string" },
  },
} as const;

export const sampleOrders = [
  { id: "o-1001", email: "ada@example.com", total_price: "12.50", sku: "LAMP" },
  { id: "o-1002", email: "grace@example.com", total_price: "99.00", sku: "DESK" },
  { id: "o-1003", email: "alan@example.com", total_price: "5.25", sku: "BROKEN" },
];
