import { loadOpenApiSync, type OpenApiDocument } from "@synapseops/core";

/** A small document written for these tests: no other test has seen it. */
export function ordersDoc(): OpenApiDocument {
  return loadOpenApiSync(
    JSON.stringify({
      openapi: "3.1.0",
      info: { title: "Orders", version: "1.0.0" },
      servers: [{ url: "https://api.example.com/v2" }],
      components: {
        securitySchemes: { key: { type: "apiKey", in: "header", name: "x-api-key" } },
        schemas: {
          Line: {
            type: "object",
            required: ["sku", "quantity"],
            properties: { sku: { type: "string" }, quantity: { type: "integer", minimum: 1 } },
          },
          Order: {
            type: "object",
            required: ["id", "status"],
            properties: {
              id: { type: "string" },
              status: { type: "string", enum: ["open", "paid"] },
              lines: { type: "array", items: { $ref: "#/components/schemas/Line" } },
            },
          },
        },
      },
      security: [{ key: [] }],
      paths: {
        "/orders": {
          get: {
            operationId: "listOrders",
            parameters: [{ name: "limit", in: "query", schema: { type: "integer", maximum: 100 } }],
            responses: { "200": { description: "ok" } },
          },
          post: {
            operationId: "createOrder",
            parameters: [
              { name: "Idempotency-Key", in: "header", required: true, schema: { type: "string" } },
            ],
            requestBody: {
              required: true,
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    required: ["lines"],
                    properties: { lines: { type: "array", items: { $ref: "#/components/schemas/Line" } } },
                  },
                },
              },
            },
            responses: {
              "201": {
                description: "created",
                headers: { Location: { required: true, schema: { type: "string" } } },
                content: { "application/json": { schema: { $ref: "#/components/schemas/Order" } } },
              },
              "4XX": { description: "refused" },
            },
          },
        },
        "/orders/{id}": {
          get: {
            operationId: "getOrder",
            parameters: [
              { name: "id", in: "path", required: true, schema: { type: "string", pattern: "^ord_" } },
            ],
            responses: { "200": { description: "ok" } },
          },
        },
      },
    }),
  );
}

/** A recorded exchange of the orders API as a trace recorder sends it (no `receivedAt`). */
export function orderTrace(
  id: string,
  options: {
    projectId?: string;
    environment?: string;
    startedAt?: string;
    status?: number;
    body?: unknown;
    path?: string;
    method?: string;
  } = {},
): Record<string, unknown> {
  const status = options.status ?? 201;
  return {
    id,
    projectId: options.projectId ?? "prj_1",
    environment: options.environment ?? "sandbox",
    request: {
      method: options.method ?? "POST",
      url: `https://api.example.com/v2${options.path ?? "/orders"}`,
      headers: { "content-type": "application/json", "x-api-key": "[REDACTED]", "idempotency-key": id },
      body: options.body ?? { lines: [{ sku: "A", quantity: 1 }] },
    },
    response: {
      status,
      headers: status === 201 ? { "content-type": "application/json", location: "/orders/ord_1" } : {},
      ...(status === 201 ? { body: { id: "ord_1", status: "open" } } : {}),
    },
    timing: { startedAt: options.startedAt ?? "2026-11-20T10:00:00.000Z", durationMs: 42 },
  };
}
