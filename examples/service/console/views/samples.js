// The starting point the forms offer: a shop order → ERP sales order integration.

export const orderSchema = {
  type: "object",
  required: ["id", "email", "total_price"],
  properties: {
    id: { type: "string" },
    email: { type: "string" },
    total_price: { type: "string" },
    sku: { type: "string" },
  },
};

export const salesOrderSchema = {
  type: "object",
  required: ["orderId", "customerEmail", "amount"],
  properties: {
    orderId: { type: "string" },
    customerEmail: { type: "string" },
    amount: { type: "number" },
    sku: { type: "string" },
  },
};

export const sampleOrders = [
  { id: "o-1001", email: "ada@example.com", total_price: "12.50", sku: "LAMP" },
  { id: "o-1002", email: "grace@example.com", total_price: "99.00", sku: "DESK" },
  { id: "o-1003", email: "alan@example.com", total_price: "5.25", sku: "BROKEN" },
];

/** Pretty JSON for a textarea. */
export const pretty = (value) => JSON.stringify(value, null, 2);
