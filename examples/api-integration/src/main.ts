/**
 * The main example, on embedded defaults (memory store, in-process connectors): design an
 * integration from a shop's order webhook to an ERP, validate it, approve it, and show its
 * revision history.
 */

import { memory } from "@synapseops/connectors";
import { BlueprintInvalidError, createRuntime } from "@synapseops/core";
import { erpSalesOrderSchema, sampleOrder, shopOrderSchema } from "./schemas";

const print = (title: string, value: unknown): void => {
  process.stdout.write(
    `\n== ${title}\n${typeof value === "string" ? value : JSON.stringify(value, null, 2)}\n`,
  );
};

const erpTarget = memory();
const runtime = createRuntime({ connectors: [erpTarget], actor: "example" });

const project = await runtime.projects.create({ name: "Shop → ERP", description: "orders into the ERP" });
print("project", project);

const shop = await runtime.connectorRefs.put(project.id, {
  type: "memory",
  name: "Shop webhooks",
  config: { channel: "orders" },
});
const erp = await runtime.connectorRefs.put(project.id, {
  type: "memory",
  name: "ERP",
  config: { channel: "erp" },
});

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
  { target: "externalId", from: "$string(id)" },
  { target: "email", from: "email" },
  { target: "currency", from: "currency" },
  { target: "total", from: "$number(total_price)" },
  { target: "status", from: "financial_status" },
  { target: "customerName", from: "customer.first_name & ' ' & customer.last_name" },
];
await runtime.blueprints.edit(draft.id, {
  message: "complete the mapping",
  update: (body) => ({
    ...body,
    mappings: [
      {
        ...body.mappings[0]!,
        rules,
        samples: [
          {
            name: "paid order",
            input: sampleOrder,
            output: {
              externalId: "450789469",
              email: "ada@example.com",
              currency: "EUR",
              total: 199,
              status: "paid",
              customerName: "Ada",
            },
          },
        ],
      },
    ],
    steps: [
      body.steps[0]!,
      { id: "paid-only", kind: "filter", condition: "status = 'paid'" },
      body.steps[1]!,
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
print("approved", { id: approved.id, status: approved.status, approvedRevision: approved.approvedRevision });

// 5. The revision history: every edit is an immutable revision with a content hash.
const revisions = await runtime.blueprints.revisions.list(draft.id);
print(
  "revisions",
  revisions.items.map((r) => `r${r.revision}  ${r.contentHash}  ${r.author}  ${r.message ?? ""}`).join("\n"),
);
print("diff r2 → r3", await runtime.blueprints.revisions.diff(draft.id, 2, 3));

const audit = await runtime.audit.list({ entityId: draft.id });
print("audit log", audit.items.map((e) => `${e.at}  ${e.actor.padEnd(16)} ${e.action}`).join("\n"));

// 6. Run the approved revision over a batch of orders: paid ones reach the ERP, others are filtered.
const orders = [
  sampleOrder,
  {
    ...sampleOrder,
    id: 450789470,
    email: "grace@example.com",
    total_price: "42.50",
    customer: { first_name: "Grace", last_name: "Hopper" },
  },
  { ...sampleOrder, id: 450789471, financial_status: "pending" },
  sampleOrder, // delivered twice: skipped through its idempotency key
];
const started = await runtime.runs.start(draft.id, { records: orders });
const run = await runtime.runs.wait(started.id);
print("run", { id: run.id, status: run.status, revision: run.revision, counts: run.counts });
print("run metrics", run.metrics);
const events = await runtime.runs.events(run.id, { level: "info" });
print(
  "run events (tail)",
  events
    .slice(-5)
    .map((e) => `#${e.seq} ${e.at} ${e.level.padEnd(5)} ${e.type} ${e.recordKey ?? ""}`)
    .join("\n"),
);
print("ERP received", erpTarget.written("erp"));
await runtime.close();
