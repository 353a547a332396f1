import { getAtPointer } from "@synapseops/core";
import { describe, expect, it } from "vitest";
import { ordersDoc } from "../../test/readiness-report/fixtures";
import { loadSpec } from "../_test/specs";
import { CodegenConfigError } from "../errors";
import { createExchangeValidator, validateExchange } from "./validate-exchange";

const auth = { "x-api-key": "k" };

describe("validateExchange", () => {
  it("accepts a conforming request and response, and names the operation", async () => {
    const doc = ordersDoc();
    const result = await validateExchange(
      doc,
      {
        method: "post",
        path: "/v2/orders",
        headers: { ...auth, "idempotency-key": "a1", "content-type": "application/json" },
        body: '{"lines":[{"sku":"A","quantity":2}]}',
      },
      {
        status: 201,
        headers: { location: "/orders/ord_1", "content-type": "application/json" },
        body: { id: "ord_1", status: "open" },
      },
    );
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.operation).toMatchObject({ id: "createOrder", method: "post", path: "/orders" });
  });

  it("reports every request problem with pointers into the payload and into the document", async () => {
    const doc = ordersDoc();
    const result = await validateExchange(doc, {
      method: "POST",
      path: "/orders",
      headers: { "content-type": "application/json" },
      body: { lines: [{ sku: 7 }, { sku: "B", quantity: 0 }] },
    });
    expect(result.ok).toBe(false);
    const byPointer = Object.fromEntries(result.problems.map((p) => [p.pointer, p]));
    expect(Object.keys(byPointer).sort()).toEqual(
      [
        "/request/body/lines/0/quantity",
        "/request/body/lines/0/sku",
        "/request/body/lines/1/quantity",
        "/request/headers/Idempotency-Key",
        "/request/headers/authorization",
      ].sort(),
    );
    expect(byPointer["/request/body/lines/0/sku"]).toMatchObject({
      code: "type",
      documentPointer: "#/components/schemas/Line/properties/sku/type",
    });
    expect(byPointer["/request/body/lines/1/quantity"]).toMatchObject({
      code: "minimum",
      documentPointer: "#/components/schemas/Line/properties/quantity/minimum",
    });
    expect(byPointer["/request/body/lines/0/quantity"]).toMatchObject({
      code: "required",
      documentPointer: "#/components/schemas/Line/required",
    });
    expect(byPointer["/request/headers/Idempotency-Key"]).toMatchObject({
      code: "required",
      documentPointer: "#/paths/~1orders/post/parameters/0/required",
    });
    // The operation inherits the document's security requirement.
    expect(byPointer["/request/headers/authorization"]).toMatchObject({
      code: "security",
      documentPointer: "#/security",
    });
    // Every document pointer leads to the rule it names.
    for (const problem of result.problems)
      expect(
        getAtPointer(doc, problem.documentPointer ?? "#/nowhere"),
        problem.documentPointer,
      ).toBeDefined();
  });

  it("checks query and path parameters after coercing them to their schema types", async () => {
    const doc = ordersDoc();
    const list = await validateExchange(doc, { method: "GET", path: "/orders?limit=500", headers: auth });
    expect(list.problems).toMatchObject([
      {
        pointer: "/request/query/limit",
        code: "maximum",
        documentPointer: "#/paths/~1orders/get/parameters/0/schema/maximum",
      },
    ]);
    expect((await validateExchange(doc, { method: "GET", path: "/orders?limit=50", headers: auth })).ok).toBe(
      true,
    );
    const get = await validateExchange(doc, { method: "GET", path: "/orders/123", headers: auth });
    expect(get.operation?.pathParams).toEqual({ id: "123" });
    expect(get.problems.map((p) => [p.pointer, p.code])).toEqual([["/request/path/id", "pattern"]]);
  });

  it("reports an unknown path or method as a problem instead of throwing", async () => {
    const doc = ordersDoc();
    const unknown = await validateExchange(doc, { method: "GET", path: "/invoices" });
    expect(unknown).toMatchObject({
      ok: false,
      problems: [{ code: "operation-unknown", pointer: "/request/path" }],
    });
    expect(unknown.operation).toBeUndefined();
    const method = await validateExchange(doc, { method: "DELETE", path: "/orders" });
    expect(method.problems).toMatchObject([{ code: "method-not-allowed", pointer: "/request/method" }]);
    const garbage = await validateExchange(doc, { method: "", path: "::::" });
    expect(garbage.ok).toBe(false);
  });

  it("checks the response status, required headers and body against the documented response", async () => {
    const doc = ordersDoc();
    const request = {
      method: "POST",
      path: "/orders",
      headers: { ...auth, "idempotency-key": "a1" },
      body: { lines: [] },
    };
    const wrong = await validateExchange(doc, request, {
      status: 201,
      headers: { "content-type": "application/json" },
      body: '{"id":"ord_1","status":"shipped","lines":[{"sku":"A"}]}',
    });
    expect(wrong.problems.map((p) => [p.pointer, p.code, p.documentPointer])).toEqual(
      expect.arrayContaining([
        [
          "/response/headers/location",
          "required",
          "#/paths/~1orders/post/responses/201/headers/Location/required",
        ],
        ["/response/body/status", "enum", "#/components/schemas/Order/properties/status/enum"],
        ["/response/body/lines/0/quantity", "required", "#/components/schemas/Line/required"],
      ]),
    );
    expect(wrong.problems).toHaveLength(3);
    const ranged = await validateExchange(doc, request, { status: 409 });
    expect(ranged.ok).toBe(true); // 4XX documents it
    const undocumented = await validateExchange(doc, request, { status: 500 });
    expect(undocumented.problems).toMatchObject([
      { pointer: "/response/status", code: "status-undocumented" },
    ]);
  });

  it("applies the annotations of the matched operation whose conditions hold", async () => {
    const doc = ordersDoc();
    const validator = createExchangeValidator(doc, {
      annotations: [
        {
          id: "a-empty",
          target: "operation:createOrder",
          condition: "$count(record.lines) = 0",
          message: "An order needs at least one line; the API answers 422 otherwise.",
          severity: "warning",
          link: "https://docs.example.com/orders#lines",
        },
        {
          id: "a-always",
          target: "operation:createOrder",
          message: "Orders are created asynchronously.",
          severity: "info",
        },
        { id: "a-other", target: "operation:listOrders", message: "Paged by cursor.", severity: "info" },
        {
          id: "a-broken",
          target: "operation:createOrder",
          condition: "record.lines.$foo()",
          message: "never",
          severity: "info",
        },
      ],
    });
    const base = { method: "POST", path: "/orders", headers: { ...auth, "idempotency-key": "k" } };
    const empty = await validator.validate({ ...base, body: { lines: [] } });
    expect(empty.annotations.map((a) => a.id)).toEqual(["a-empty", "a-always"]);
    expect(empty.annotations[0]).toMatchObject({
      severity: "warning",
      link: "https://docs.example.com/orders#lines",
    });
    const full = await validator.validate({ ...base, body: { lines: [{ sku: "A", quantity: 1 }] } });
    expect(full.annotations.map((a) => a.id)).toEqual(["a-always"]);
  });

  it("refuses an annotation whose condition is not JSONata, saying which", () => {
    expect(() =>
      createExchangeValidator(ordersDoc(), {
        annotations: [
          { id: "bad", target: "operation:listOrders", condition: "a +", message: "m", severity: "info" },
        ],
      }),
    ).toThrow(CodegenConfigError);
  });

  it("validates Stripe's form-encoded create-payment-intent body, with coercion and every problem", async () => {
    const { document } = loadSpec("large/stripe.json");
    const headers = {
      authorization: "Bearer sk_test_x",
      "content-type": "application/x-www-form-urlencoded",
    };
    const good = await validateExchange(document, {
      method: "POST",
      path: "https://api.stripe.com/v1/payment_intents",
      headers,
      body: "amount=2000&currency=usd&payment_method_types[]=card&metadata[order_id]=6735",
    });
    expect(good.problems).toEqual([]);
    expect(good.operation?.id).toBe("PostPaymentIntents");
    const bad = await validateExchange(document, {
      method: "POST",
      path: "/v1/payment_intents",
      headers,
      body: { amount: "twenty", currency: "usd", capture_method: "later", unknown_field: 1 },
    });
    const codes = Object.fromEntries(bad.problems.map((p) => [p.pointer, p.code]));
    expect(codes).toMatchObject({
      "/request/body/amount": "type",
      "/request/body/capture_method": "enum",
      "/request/body": "additionalProperties",
    });
    for (const problem of bad.problems)
      expect(
        getAtPointer(document, problem.documentPointer ?? "#/nowhere"),
        problem.documentPointer,
      ).toBeDefined();
  });
});
