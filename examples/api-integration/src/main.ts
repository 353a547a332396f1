/**
 * The main example, on embedded defaults (memory store, inline queue): a Shopify-style shop's
 * order webhooks → a mapping → an ERP's REST API behind OAuth2 client credentials.
 *
 * It designs the integration (generate → edit → a mapping mistake caught by validation before
 * approval → fix → approve → revisions), then runs it for real: a local ERP server (token
 * endpoint + sales-order API) and a webhook endpoint verifying Shopify's HMAC signature, both
 * started here and stopped at the end.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  http,
  memory,
  memorySecrets,
  nodeWebhookHandler,
  shopify,
  webhookReceiver,
} from "@synapseops/connectors";
import { BlueprintInvalidError, createRuntime, type Run } from "@synapseops/core";
import { explain, type MappingDefinition } from "@synapseops/mapping";
import { startLocalErp } from "./erp-server";
import { erpSalesOrderSchema, orders, sampleOrder, shopOrderSchema } from "./schemas";
import { deliverOrderWebhook, type ShopDelivery } from "./shop";

const print = (title: string, value: unknown): void => {
  process.stdout.write(
    `\n== ${title}\n${typeof value === "string" ? value : JSON.stringify(value, null, 2)}\n`,
  );
};
const table = (rows: readonly (readonly unknown[])[]): string => {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => String(row[column]).length)));
  return rows
    .map((row) =>
      row
        .map((cell, c) => String(cell).padEnd(widths[c]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
};

const SHOP_APP_SECRET = "shpss_0c5f0d3d2b8e4f7a9e1c"; // the Shopify app's client secret
const ERP_CLIENT = { id: "shop-sync", secret: "erp-client-secret-7f3a" };

const erpServer = await startLocalErp(ERP_CLIENT);
const secrets = memorySecrets({ ERP_CLIENT_SECRET: ERP_CLIENT.secret });
const runtime = createRuntime({ connectors: [http(), memory()], secrets, actor: "example" });
const endpoint = createServer();

try {
  const project = await runtime.projects.create({ name: "Shop → ERP", description: "orders into the ERP" });
  print("project", project);

  // The shop side: orders arrive as webhooks (the receiver below); the ref names where they come from.
  const shop = await runtime.connectorRefs.put(project.id, {
    type: "memory",
    name: "Shop order webhooks",
    config: { channel: "orders" },
  });
  // The ERP: our http connector, OAuth2 client credentials; the client secret is a secret *name*.
  const erp = await runtime.connectorRefs.put(project.id, {
    type: "http",
    name: "ERP",
    config: {
      baseUrl: erpServer.url,
      auth: {
        type: "oauth2ClientCredentials",
        tokenUrl: erpServer.tokenUrl,
        clientId: ERP_CLIENT.id,
        scope: "sales-orders:write",
      },
      write: { method: "POST", path: "/api/sales-orders", idempotencyHeader: "Idempotency-Key" },
      testPath: "/api/ping",
    },
    secrets: { clientSecret: "ERP_CLIENT_SECRET" },
  });
  print("ERP connection test (OAuth2 token, then GET /api/ping)", await runtime.connectors.test(erp.id));

  // 1. Generate a draft from the two schemas: the suggester proposes field mappings.
  const draft = await runtime.blueprints.generate(project.id, {
    name: "Shop orders → ERP sales orders",
    source: { connector: shop.id, schema: shopOrderSchema, samples: [sampleOrder] },
    target: { connector: erp.id, schema: erpSalesOrderSchema },
    intent: "create an ERP sales order for every paid shop order",
  });
  print("generated draft", {
    id: draft.id,
    status: draft.status,
    revision: draft.revision,
    proposed: draft.suggestion.fields,
    unmatched: draft.suggestion.unmatched,
  });

  // 2. Edit: complete the mapping the suggester could not, and add a golden sample — with a mistake.
  const rules = [
    { target: "externalId", from: "id", transforms: ["to_string"] },
    { target: "email", from: "email" },
    { target: "currency", from: "currency" },
    { target: "total", from: "total_price", transforms: ["to_float"] },
    { target: "status", from: "financial_status", transforms: [{ fn: "lookup", args: ["status"] }] },
    { target: "customerName", expr: "customer.first_name & ' ' & customer.last_name" },
  ];
  await runtime.blueprints.edit(draft.id, {
    message: "complete the mapping",
    update: (body) => ({
      ...body,
      trigger: { kind: "webhook" },
      mappings: [
        {
          ...body.mappings[0]!,
          rules,
          lookups: { status: { paid: "PAID", pending: "OPEN", refunded: "REVERSED" } },
          samples: [
            {
              name: "paid order",
              input: sampleOrder,
              output: {
                externalId: "450789469",
                email: "ada@example.com",
                currency: "EUR",
                total: 199,
                status: "PAID",
                customerName: "Ada",
              },
            },
          ],
        },
      ],
      steps: [
        body.steps[0]!,
        { id: "paid-only", kind: "filter", condition: "status = 'PAID'" },
        {
          ...body.steps[1]!,
          policy: { retry: { maxAttempts: 4, initialDelayMs: 100 }, timeoutMs: 10_000 },
        },
      ],
    }),
  });

  // 3. Approval refuses it: the golden sample disagrees with what the mapping produces.
  try {
    await runtime.blueprints.approve(draft.id);
  } catch (error) {
    if (!(error instanceof BlueprintInvalidError)) throw error;
    print("approval refused", { code: error.code, path: error.path, message: error.message });
  }

  // 4. Fix the sample (an edit is a merge patch or, as here, a function of the body), validate, approve.
  const body = await runtime.blueprints.body(draft.id);
  const fixedSample = {
    ...body.mappings[0]!.samples[0]!,
    output: { ...(body.mappings[0]!.samples[0]!.output as object), customerName: "Ada Lovelace" },
  };
  await runtime.blueprints.edit(draft.id, {
    message: "fix the golden sample",
    update: (current) => ({ ...current, mappings: [{ ...current.mappings[0]!, samples: [fixedSample] }] }),
  });
  const report = await runtime.blueprints.validate(draft.id);
  print("validation report", report);

  const approved = await runtime.blueprints.approve(draft.id, { actor: "integration-lead" });
  print("approved", {
    id: approved.id,
    status: approved.status,
    approvedRevision: approved.approvedRevision,
  });

  // 5. The revision history: every edit is an immutable revision with a content hash.
  const revisions = await runtime.blueprints.revisions.list(draft.id);
  print(
    "revisions",
    revisions.items
      .map((r) => `r${r.revision}  ${r.contentHash}  ${r.author}  ${r.message ?? ""}`)
      .join("\n"),
  );
  print("diff r2 → r3", await runtime.blueprints.revisions.diff(draft.id, 2, 3));

  const audit = await runtime.audit.list({ entityId: draft.id });
  print("audit log", audit.items.map((e) => `${e.at}  ${e.actor.padEnd(16)} ${e.action}`).join("\n"));

  // 6. Go live: the webhook endpoint verifies Shopify's HMAC, dedupes in the runtime's store and
  //    hands each new delivery to the approved blueprint as a run. Shopify signs the body only (not
  //    the webhook id), so the receiver dedupes on the body's hash for 7 days (dedupeTtlMs).
  const runsByWebhook = new Map<string, string>();
  const receiver = webhookReceiver({
    scheme: shopify({ secret: SHOP_APP_SECRET }),
    store: runtime.store,
    onDelivery: async (delivery) => {
      const run = await runtime.ingest(draft.id, { record: delivery.body });
      runsByWebhook.set(delivery.id, run.id);
    },
  });
  endpoint.on("request", nodeWebhookHandler(receiver));
  await new Promise<void>((resolve) => endpoint.listen(0, "127.0.0.1", resolve));
  const webhookUrl = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/webhooks/shopify`;

  // A retried delivery (the same signed body) is acknowledged without a run. The same order under
  // another topic is another body (here its fields come in another order), so it is a run —
  // whose record the blueprint's idempotency key (`id`, which generate picked) skips as a
  // duplicate. A forged signature never gets past the receiver.
  const deliveries: Array<ShopDelivery & { note: string }> = [
    { webhookId: "wh-1", topic: "orders/create", order: orders.ada, note: "paid" },
    { webhookId: "wh-2", topic: "orders/create", order: orders.grace, note: "paid" },
    { webhookId: "wh-3", topic: "orders/create", order: orders.pending, note: "pending: filtered" },
    { webhookId: "wh-1", topic: "orders/create", order: orders.ada, note: "Shopify retries wh-1" },
    {
      webhookId: "wh-5",
      topic: "orders/paid",
      // The same fields in another order: other bytes, so another signed body.
      order: Object.fromEntries(Object.entries(orders.ada).reverse()) as typeof orders.ada,
      note: "same order, another topic",
    },
    {
      webhookId: "wh-6",
      topic: "orders/create",
      order: { ...orders.grace, id: 450789472, total_price: "0.01" },
      signWith: "not-the-app-secret",
      note: "forged signature",
    },
  ];
  const answers: unknown[][] = [["#", "webhook id", "topic", "order", "note", "answer", "run"]];
  for (const [index, delivery] of deliveries.entries()) {
    const { status, body: answer } = await deliverOrderWebhook(webhookUrl, SHOP_APP_SECRET, delivery);
    const verdict = answer.ok ? (answer.duplicate ? "duplicate" : "accepted") : answer.error;
    const runId = answer.ok && !answer.duplicate ? runsByWebhook.get(delivery.webhookId) : undefined;
    answers.push([
      index + 1,
      delivery.webhookId,
      delivery.topic,
      delivery.order.id,
      delivery.note,
      `${status} ${verdict}`,
      runId ?? "-",
    ]);
  }
  print("webhook deliveries", table(answers));

  // 7. Every accepted delivery became a run; each ends SUCCEEDED (records completed, filtered or duplicate).
  const runs: Run[] = [];
  for (const runId of runsByWebhook.values())
    runs.push(await runtime.runs.wait(runId, { timeoutMs: 10_000 }));
  const outcome = (run: Run): string =>
    Object.entries(run.counts)
      .filter(([name, value]) => name !== "total" && value > 0)
      .map(([name]) => name)
      .join(",");
  print(
    "runs",
    table([
      ["run", "trigger", "status", "record outcome"],
      ...runs.map((run) => [run.id, run.trigger.kind, run.status, outcome(run)]),
    ]),
  );
  const first = runs[0]!;
  print("run", {
    id: first.id,
    status: first.status,
    revision: first.revision,
    trigger: first.trigger,
    counts: first.counts,
  });
  print("run metrics", await runtime.runs.metrics(first.id));
  const duplicate = runs.find((run) => run.counts.duplicates > 0)!;
  print(
    `run events of ${duplicate.id} (the order sent again under another topic)`,
    (await runtime.runs.events(duplicate.id)).items
      .map((e) => `#${e.seq} ${e.level.padEnd(5)} ${e.type} ${e.recordKey ?? ""}`)
      .join("\n"),
  );
  print("blueprint stats", await runtime.runs.stats(draft.id));

  // 8. Why a record looks the way it does: the mapping's explanation for one order, field by field.
  const mapping = (await runtime.blueprints.body(draft.id, approved.approvedRevision)).mappings[0]!;
  const explanation = await explain(mapping as unknown as MappingDefinition, orders.grace);
  print(
    `mapping explanation for order ${orders.grace.id}`,
    explanation.fields
      .map((field) => {
        const steps = field.steps
          .map((step) => ` → ${step.transform} → ${JSON.stringify(step.value)}`)
          .join("");
        const from = field.sources.length > 0 ? field.sources.join(", ") : "(expression)";
        return `${field.target.padEnd(12)} ${field.rule.padEnd(9)} ← ${from}: ${JSON.stringify(field.input)}${steps} ⇒ ${JSON.stringify(field.value)}`;
      })
      .join("\n"),
  );

  // 9. What the ERP itself saw: sales orders created through OAuth2, one per paid order.
  print(
    "ERP sales orders",
    erpServer.salesOrders.map((so) => ({
      id: so.id,
      createdBy: so.createdBy,
      idempotencyKey: so.idempotencyKey,
      ...so.order,
    })),
  );
  const anonymous = await fetch(`${erpServer.url}/api/sales-orders`, { method: "POST", body: "{}" });
  print("ERP without a bearer token", { status: anonymous.status, body: await anonymous.json() });
  print("ERP counters", erpServer.counters());
} finally {
  if (endpoint.listening) await new Promise<void>((resolve) => endpoint.close(() => resolve()));
  await runtime.close();
  await erpServer.close();
}
