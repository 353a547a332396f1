/**
 * The order-to-erp mapping (bench/data/order-to-erp/mapping.jsonata) written by hand in
 * plain JavaScript: the baseline of the mapping benchmark. It reproduces JSONata's output for
 * the benchmark's input shape, including its quirks — `&` renders `null` as "null", missing
 * values drop their key, a one-item path result is the item itself, not an array.
 */

type Json = Record<string, unknown>;

const STATUS: Record<string, string> = {
  pending: "AWAITING_PAYMENT",
  authorized: "AUTHORIZED",
  partially_paid: "PARTIALLY_PAID",
  paid: "PAID",
  partially_refunded: "PARTIALLY_REFUNDED",
  refunded: "REFUNDED",
  voided: "CANCELLED",
};

/** JSONata's `$string` of a scalar (undefined stays undefined). */
function str(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" && !Number.isInteger(value)) return String(Number(value.toPrecision(15)));
  return JSON.stringify(value);
}

/** The operand of `&`: undefined becomes "". */
function cat(value: unknown): string {
  return str(value) ?? "";
}

/** JSONata truthiness for the scalars and objects of this input. */
function truthy(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === "string") return value.length > 0;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.some(truthy);
  return Object.keys(value as object).length > 0;
}

function num(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  return typeof value === "number" ? value : Number(value);
}

function field(object: unknown, key: string): unknown {
  return object !== null && typeof object === "object" ? (object as Json)[key] : undefined;
}

/** Assigns only defined values, as a JSONata object constructor does. */
function put(target: Json, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
}

function address(a: unknown): Json {
  const out: Json = {};
  out.name = `${cat(field(a, "first_name"))} ${cat(field(a, "last_name"))}`;
  put(out, "line1", field(a, "address1"));
  out.line2 = truthy(field(a, "address2")) ? field(a, "address2") : "";
  put(out, "city", field(a, "city"));
  put(out, "region", field(a, "province"));
  put(out, "postalCode", field(a, "zip"));
  put(out, "country", field(a, "country_code"));
  put(out, "phone", field(a, "phone"));
  return out;
}

function trim(value: string): string {
  let result = value.replace(/[ \t\n\r]+/g, " ");
  if (result.charAt(0) === " ") result = result.substring(1);
  if (result.charAt(result.length - 1) === " ") result = result.substring(0, result.length - 1);
  return result;
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/** A path result: nothing, one item, or an array. */
function unwrap<T>(items: T[]): T | T[] | undefined {
  return items.length === 0 ? undefined : items.length === 1 ? items[0] : items;
}

/** Maps one Shopify-style order webhook to an ERP sales order, as mapping.jsonata does. */
export function mapOrderByHand(order: Json): Json {
  const items = (Array.isArray(order.line_items) ? order.line_items : []) as Json[];
  const lines = items.map((item, index) => {
    const line: Json = {};
    line.lineNo = index + 1;
    put(line, "externalId", str(item.id));
    line.sku = truthy(item.sku) ? item.sku : `NOSKU-${cat(str(item.product_id))}`;
    line.description = cat(item.title) + (truthy(item.variant_title) ? ` / ${cat(item.variant_title)}` : "");
    put(line, "quantity", item.quantity);
    const price = num(item.price);
    const discount = num(item.total_discount);
    put(line, "unitPrice", price);
    put(line, "discount", discount);
    line.lineTotal = (item.quantity as number) * (price as number) - (discount as number);
    const taxes = (Array.isArray(item.tax_lines) ? item.tax_lines : []) as Json[];
    line.taxAmount = sum(taxes.map((tax) => num(tax.price) as number));
    line.weightKg = (item.grams as number) / 1000;
    put(line, "requiresShipping", item.requires_shipping);
    return line;
  });
  const customer = order.customer;
  const fs = typeof order.financial_status === "string" ? order.financial_status : undefined;
  const status = fs !== undefined && Object.hasOwn(STATUS, fs) ? STATUS[fs] : undefined;
  const shipping = (Array.isArray(order.shipping_lines) ? order.shipping_lines : []) as Json[];
  const tags =
    typeof order.tags === "string"
      ? order.tags
          .split(",")
          .map(trim)
          .filter((tag) => tag !== "")
      : [];
  const out: Json = {};
  put(out, "externalId", str(order.id));
  put(out, "orderNumber", order.name);
  out.orderDate = new Date(order.created_at as string).toISOString().slice(0, 10);
  put(out, "currency", order.currency);
  out.status = status ?? "UNKNOWN";
  out.fulfillmentStatus = truthy(order.fulfillment_status)
    ? (order.fulfillment_status as string).toUpperCase()
    : "UNFULFILLED";
  const customerOut: Json = {};
  customerOut.externalId = `SHOP-${cat(str(field(customer, "id")))}`;
  customerOut.name = `${cat(field(customer, "first_name"))} ${cat(field(customer, "last_name"))}`;
  put(customerOut, "email", truthy(field(customer, "email")) ? field(customer, "email") : order.email);
  put(customerOut, "phone", field(customer, "phone"));
  put(customerOut, "acceptsMarketing", order.buyer_accepts_marketing);
  out.customer = customerOut;
  out.billTo = address(order.billing_address);
  out.shipTo = address(truthy(order.shipping_address) ? order.shipping_address : order.billing_address);
  put(out, "lines", unwrap(lines));
  if (items.length > 0) out.itemCount = sum(items.map((item) => item.quantity as number));
  if (lines.length > 0) out.linesTotal = sum(lines.map((line) => line.lineTotal as number));
  out.discountTotal = sum(items.map((item) => num(item.total_discount) as number));
  const firstTitle = field(shipping[0], "title");
  out.shippingMethod = firstTitle !== undefined ? firstTitle : "NONE";
  out.shippingTotal = sum(shipping.map((line) => num(line.price) as number));
  put(out, "subtotal", num(order.subtotal_price));
  put(out, "taxTotal", num(order.total_tax));
  put(out, "grandTotal", num(order.total_price));
  put(out, "taxesIncluded", order.taxes_included);
  out.tags = tags;
  out.discountCodes = ((Array.isArray(order.discount_codes) ? order.discount_codes : []) as Json[])
    .map((code) => code.code)
    .filter((code) => code !== undefined);
  out.note = truthy(order.note) ? order.note : "";
  put(out, "paymentGateway", order.gateway);
  put(out, "source", order.source_name);
  put(out, "isTest", order.test);
  out.cancelled = order.cancelled_at !== undefined && order.cancelled_at !== null;
  out.sourceUrl = `https://shop.example.com/admin/orders/${cat(str(order.id))}`;
  return out;
}
