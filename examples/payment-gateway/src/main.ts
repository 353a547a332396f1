/**
 * A payment gateway on embedded defaults (memory store, inline queue): Stripe-style
 * `payment_intent.succeeded` webhooks, verified with Stripe's signature scheme, become
 * settlements in a finance system (a local HTTP server that honours Idempotency-Key).
 *
 * It shows, in order:
 * 1. one event delivered 5 times (and fed once more by a reconciliation job) → one settlement;
 * 2. the finance system down → 3 retries with exponential backoff → a dead letter;
 * 3. the finance system back → the dead letter replayed → settled;
 * 4. a settlement over the threshold held at an approval step until a finance lead signals it.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  http,
  memory,
  memorySecrets,
  nodeWebhookHandler,
  stripe,
  webhookReceiver,
} from "@synapseops/connectors";
import { createRuntime, type Run } from "@synapseops/core";
import { APPROVAL_THRESHOLD_CENTS, settlementBlueprint } from "./blueprint";
import { startFinanceSystem } from "./finance-server";
import { deliverStripeEvent, type Payment, paymentSucceeded } from "./stripe";

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
const money = (cents: number, currency: string): string =>
  `${currency.toUpperCase()} ${(cents / 100).toLocaleString("en-US", { minimumFractionDigits: 2 })}`;

const STRIPE_SIGNING_SECRET = "whsec_example_4eC39HqLyjWDarjtT1zdp7dc"; // the endpoint's secret
const FINANCE_API_KEY = "fin_sk_example_9b1c2d";

const finance = await startFinanceSystem(FINANCE_API_KEY);
const runtime = createRuntime({
  connectors: [http(), memory()],
  secrets: memorySecrets({ FINANCE_API_KEY }),
  actor: "payments-service",
});
const endpoint = createServer();

try {
  const project = await runtime.projects.create({ name: "Payments → Finance" });
  const stripeEvents = await runtime.connectorRefs.put(project.id, {
    type: "memory",
    name: "Stripe payment events",
    config: { channel: "stripe" },
  });
  const ledger = await runtime.connectorRefs.put(project.id, {
    type: "http",
    name: "Finance ledger",
    config: {
      baseUrl: finance.url,
      auth: { type: "bearer", secret: "token" },
      write: { method: "POST", path: "/v1/settlements", idempotencyHeader: "Idempotency-Key" },
    },
    secrets: { token: "FINANCE_API_KEY" },
  });
  const blueprint = await runtime.blueprints.create(project.id, {
    name: "Stripe payments → settlements",
    body: settlementBlueprint(stripeEvents.id, ledger.id),
  });
  await runtime.blueprints.approve(blueprint.id, { actor: "finance-lead@example.com" });
  const body = await runtime.blueprints.body(blueprint.id);
  print(
    "blueprint",
    [
      `${blueprint.id}  idempotency key: ${body.idempotencyKey}`,
      ...body.steps.map((step) => {
        const detail =
          step.kind === "filter"
            ? step.condition
            : step.kind === "map"
              ? `mapping ${step.mapping}`
              : step.kind === "approval"
                ? `when ${step.when}`
                : `POST /v1/settlements, retry ${JSON.stringify(step.policy?.retry)}`;
        return `  ${step.id.padEnd(17)} ${step.kind.padEnd(9)} ${detail}`;
      }),
    ].join("\n"),
  );

  // The webhook endpoint: Stripe's signature and timestamp checked, events deduped by id in the
  // runtime's store, each new one handed to the blueprint as a run.
  const runsOfPayment = new Map<string, string[]>();
  const track = (paymentId: string, run: Run): void => {
    runsOfPayment.set(paymentId, [...(runsOfPayment.get(paymentId) ?? []), run.id]);
  };
  const paymentOf = (event: unknown): string =>
    (event as { data: { object: { id: string } } }).data.object.id;
  const receiver = webhookReceiver({
    scheme: stripe({ secret: STRIPE_SIGNING_SECRET }),
    store: runtime.store,
    onDelivery: async (delivery) => {
      track(paymentOf(delivery.body), await runtime.ingest(blueprint.id, { record: delivery.body }));
    },
  });
  endpoint.on("request", nodeWebhookHandler(receiver));
  await new Promise<void>((resolve) => endpoint.listen(0, "127.0.0.1", resolve));
  const webhookUrl = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/webhooks/stripe`;
  const lastRun = async (paymentId: string): Promise<Run> =>
    runtime.runs.wait(runsOfPayment.get(paymentId)!.at(-1)!, { timeoutMs: 10_000 });

  const payments: Record<"duplicated" | "outage" | "large", Payment> = {
    duplicated: { id: "pi_1001", amount: 12_000, currency: "eur", customer: "cus_ada", orderId: "ord_5001" },
    outage: { id: "pi_1002", amount: 8_000, currency: "eur", customer: "cus_grace", orderId: "ord_5002" },
    large: { id: "pi_1003", amount: 2_500_000, currency: "eur", customer: "cus_alan", orderId: "ord_5003" },
  };
  const deliveries = new Map<string, number>();

  // 1. Exactly once under duplicate deliveries.
  const duplicated = paymentSucceeded("evt_1001", payments.duplicated);
  const answers: unknown[][] = [["delivery", "event", "answer"]];
  for (let attempt = 1; attempt <= 5; attempt += 1) {
    const { status, body: answer } = await deliverStripeEvent(webhookUrl, STRIPE_SIGNING_SECRET, duplicated);
    answers.push([attempt, answer.id, `${status} ${answer.duplicate ? "duplicate" : "accepted"}`]);
    await lastRun(payments.duplicated.id); // Stripe retries later; we let the first run finish
  }
  deliveries.set(payments.duplicated.id, 5);
  print("1. evt_1001 (pi_1001) delivered 5 times", table(answers));
  // A nightly reconciliation lists the day's events from Stripe and ingests them again, past the
  // endpoint: the blueprint's idempotency key (the payment id) skips what was settled.
  track(payments.duplicated.id, await runtime.ingest(blueprint.id, { record: duplicated }));
  const reconciled = await lastRun(payments.duplicated.id);
  print("1. the same event again from the reconciliation job", {
    run: reconciled.id,
    status: reconciled.status,
    counts: { completed: reconciled.counts.completed, duplicates: reconciled.counts.duplicates },
    settlementsOfPi1001: finance.settlementsOf(payments.duplicated.id),
  });

  // 2. The finance system goes down: 3 retries with exponential backoff, then a dead letter.
  finance.setAvailable(false);
  const outageEvent = paymentSucceeded("evt_1002", payments.outage);
  const outageAnswer = await deliverStripeEvent(webhookUrl, STRIPE_SIGNING_SECRET, outageEvent);
  deliveries.set(payments.outage.id, 1);
  const failed = await lastRun(payments.outage.id);
  const retries = (await runtime.runs.events(failed.id)).items.filter((e) => e.type === "step.retry");
  print("2. finance system down: evt_1002 (pi_1002)", {
    webhookAnswer: outageAnswer.status,
    run: failed.id,
    status: failed.status,
    counts: { completed: failed.counts.completed, deadLettered: failed.counts.deadLettered },
  });
  print(
    "2. retries (step.retry events)",
    table([
      ["attempt", "failed with", "next try in"],
      ...retries.map((e) => {
        const data = e.data as { attempt: number; delayMs: number; error: { message: string } };
        const status = /: (\d{3} [^—]+?) —/.exec(data.error.message)?.[1] ?? data.error.message;
        return [data.attempt, status, `${data.delayMs} ms`];
      }),
    ]),
  );
  const letters = await runtime.deadLetters.list({ runId: failed.id });
  const letter = letters.items[0]!;
  print("2. dead letter", {
    id: letter.id,
    step: letter.step,
    recordKey: letter.recordKey,
    attempts: letter.attempts,
    error: letter.error,
  });

  // 3. The finance system recovers: replay the dead letter.
  finance.setAvailable(true);
  const replay = await runtime.deadLetters.replay([letter.id]);
  track(payments.outage.id, replay);
  const replayed = await lastRun(payments.outage.id);
  print("3. finance system back: dead letter replayed", {
    run: replayed.id,
    trigger: replayed.trigger.kind,
    replayOf: replayed.replayOf,
    status: replayed.status,
    counts: { completed: replayed.counts.completed },
    settlementsOfPi1002: finance.settlementsOf(payments.outage.id),
    deadLetter: (await runtime.deadLetters.get(letter.id)).replayRunId === replay.id ? "replayed" : "open",
  });

  // 4. A settlement over the threshold waits for a person.
  await deliverStripeEvent(webhookUrl, STRIPE_SIGNING_SECRET, paymentSucceeded("evt_1003", payments.large));
  deliveries.set(payments.large.id, 1);
  const heldRunId = runsOfPayment.get(payments.large.id)!.at(-1)!;
  const held = await runtime.runs.wait(heldRunId, { untilWaiting: true, timeoutMs: 10_000 });
  const request = (await runtime.runs.events(held.id)).items.find((e) => e.type === "approval.requested")!;
  print(`4. ${money(payments.large.amount, "eur")} is over ${money(APPROVAL_THRESHOLD_CENTS, "eur")}: held`, {
    run: held.id,
    status: held.status,
    waiting: held.counts.waiting,
    step: request.step,
    recordKey: request.recordKey,
    settlementsOfPi1003: finance.settlementsOf(payments.large.id),
  });
  await new Promise((resolve) => setTimeout(resolve, 200)); // nothing moves while nobody decides
  const stillHeld = finance.settlementsOf(payments.large.id);
  await runtime.runs.signal(held.id, {
    step: request.step!,
    recordKey: request.recordKey!,
    approved: true,
    by: "finance-lead@example.com",
    comment: "verified with the customer",
  });
  const released = await lastRun(payments.large.id);
  const decision = (await runtime.runs.events(held.id)).items.find((e) => e.type === "approval.decided")!;
  print("4. approved by the finance lead", {
    settlementsOfPi1003BeforeSignal: stillHeld,
    decision: decision.data,
    status: released.status,
    counts: { completed: released.counts.completed, waiting: released.counts.waiting },
    settlementsOfPi1003: finance.settlementsOf(payments.large.id),
  });

  // What the finance system itself counted.
  print("finance system", {
    settlements: finance.settlements.map(({ bookedAt: _at, ...settlement }) => settlement),
    byIdempotencyKey: Object.fromEntries(finance.byKey),
  });

  const summary: unknown[][] = [
    ["payment", "amount", "deliveries", "runs", "ledger calls", "settlements", "how"],
  ];
  const how: Record<string, string> = {
    [payments.duplicated.id]: "4 duplicate deliveries acknowledged, the reconciliation run skipped it",
    [payments.outage.id]: "503 ×4 (3 retries) → dead letter → replay → settled",
    [payments.large.id]: "held at large-settlement → approved → settled",
  };
  for (const payment of Object.values(payments)) {
    summary.push([
      payment.id,
      money(payment.amount, payment.currency),
      deliveries.get(payment.id) ?? 0,
      runsOfPayment.get(payment.id)?.length ?? 0,
      finance.byKey.get(payment.id)?.requests ?? 0,
      finance.settlementsOf(payment.id),
      how[payment.id],
    ]);
  }
  print("summary", table(summary));
} finally {
  if (endpoint.listening) await new Promise<void>((resolve) => endpoint.close(() => resolve()));
  await runtime.close();
  await finance.close();
}
