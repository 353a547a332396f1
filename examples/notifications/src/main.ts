/**
 * Notifications on embedded defaults (memory store, inline queue): an `integration_failure`
 * event runs a workflow that tells engineering on Slack and Teams at once, waits for a lead's
 * approval, and only then emails the integration's stakeholders. Messages are JSONata templates.
 * The Slack and Teams incoming webhooks and the SMTP server are local sinks started here.
 */
import { email, memory, memorySecrets, slack, teams } from "@synapseops/connectors";
import { createRuntime } from "@synapseops/core";
import { startSmtpSink, startWebhookSink } from "./receivers";
import { emailLayout, failureWorkflow, type IntegrationFailure, slackLayout, teamsLayout } from "./workflow";

const print = (title: string, value: unknown): void => {
  process.stdout.write(
    `\n== ${title}\n${typeof value === "string" ? value : JSON.stringify(value, null, 2)}\n`,
  );
};

const started = performance.now();
const elapsed = (): number => Math.round(performance.now() - started);
const slackSink = await startWebhookSink("/services/T000/B000/eng-alerts", started);
const teamsSink = await startWebhookSink("/webhookb2/eng-alerts/IncomingWebhook", started);
const smtp = await startSmtpSink(started);
// Incoming-webhook URLs are credentials: the refs name secrets, the provider holds the URLs.
const secrets = memorySecrets({ SLACK_ENG_WEBHOOK: slackSink.url, TEAMS_ENG_WEBHOOK: teamsSink.url });
const mailer = email();
const runtime = createRuntime({
  connectors: [slack(), teams(), mailer, memory()],
  secrets,
  actor: "notifier",
});

const failure: IntegrationFailure = {
  type: "integration_failure",
  id: "inc_20250114_0001",
  occurredAt: "2025-01-14T09:12:44Z",
  severity: "critical",
  integration: {
    id: "bp_shop_erp",
    name: "Shop orders -> ERP sales orders",
    owner: "team-integrations",
    stakeholders: "Order Operations",
  },
  failure: {
    runId: "run_7f3a19",
    step: "send",
    attempts: 4,
    records: ["450789469", "450789470", "450789471"],
    error: {
      code: "CONNECTOR_FAILED",
      message: '[POST] "https://erp.example/api/sales-orders": 503 Service Unavailable',
    },
  },
  links: { run: "https://console.example/runs/run_7f3a19" },
};

try {
  const project = await runtime.projects.create({ name: "Operations alerts" });
  const events = await runtime.connectorRefs.put(project.id, {
    type: "memory",
    name: "Platform events",
    config: { channel: "events" },
  });
  const slackRef = await runtime.connectorRefs.put(project.id, {
    type: "slack",
    name: "#eng-alerts",
    config: slackLayout,
    secrets: { slackWebhookUrl: "SLACK_ENG_WEBHOOK" },
  });
  const teamsRef = await runtime.connectorRefs.put(project.id, {
    type: "teams",
    name: "Engineering / Alerts",
    config: teamsLayout,
    secrets: { teamsWebhookUrl: "TEAMS_ENG_WEBHOOK" },
  });
  const emailRef = await runtime.connectorRefs.put(project.id, {
    type: "email",
    name: "Stakeholder email",
    config: {
      host: smtp.host,
      port: smtp.port,
      from: "SynapseOps alerts <alerts@synapseops.example>",
      to: ["order-ops@example.com"],
      ...emailLayout,
    },
  });
  const workflow = await runtime.blueprints.create(project.id, {
    name: "integration_failure → engineering, lead, stakeholders",
    body: failureWorkflow({ events: events.id, slack: slackRef.id, teams: teamsRef.id, email: emailRef.id }),
  });
  await runtime.blueprints.approve(workflow.id, { actor: "eng-lead@example.com" });
  const timeline: string[] = [];
  const mark = (what: string): void => {
    timeline.push(`t+${String(elapsed()).padStart(5)} ms  ${what}`);
  };

  // 1. The event arrives; Slack and Teams hear about it at once, then the run waits for a lead.
  mark(`${failure.type} ${failure.id} ingested`);
  const run = await runtime.ingest(workflow.id, { record: failure });
  const waiting = await runtime.runs.wait(run.id, { untilWaiting: true, timeoutMs: 10_000 });
  const request = (await runtime.runs.events(run.id)).items.find((e) => e.type === "approval.requested")!;
  mark(
    `approval requested at step ${request.step} (run ${waiting.status}, ${waiting.counts.waiting} waiting)`,
  );
  print("Slack received", slackSink.received);
  print("Teams received", teamsSink.received);
  print("waiting for the lead", {
    run: waiting.id,
    status: waiting.status,
    waiting: waiting.counts.waiting,
    step: request.step,
    recordKey: request.recordKey,
    emailsSentSoFar: smtp.mails.length,
  });

  // 2. The lead approves; the workflow goes on and emails the stakeholders.
  await new Promise((resolve) => setTimeout(resolve, 150)); // the lead reads the alert
  const emailsBeforeApproval = smtp.mails.length;
  mark("approved by eng-lead@example.com");
  await runtime.runs.signal(run.id, {
    step: request.step!,
    recordKey: request.recordKey!,
    approved: true,
    by: "eng-lead@example.com",
    comment: "ERP outage confirmed; tell Order Ops",
  });
  const done = await runtime.runs.wait(run.id, { timeoutMs: 10_000 });
  print("approved: the run goes on", {
    status: done.status,
    counts: { completed: done.counts.completed, waiting: done.counts.waiting },
    emailsBeforeApproval,
    emailsAfterApproval: smtp.mails.length,
  });
  print("email received by the SMTP sink", smtp.mails);

  // 3. A second, minor failure: engineering is told, the lead rejects, no stakeholder email.
  const minor: IntegrationFailure = {
    ...failure,
    id: "inc_20250114_0002",
    severity: "warning",
    integration: { ...failure.integration, name: "Stripe payments -> settlements" },
    failure: { ...failure.failure, runId: "run_9c2e41", records: ["pi_1002"] },
    links: { run: "https://console.example/runs/run_9c2e41" },
  };
  mark(`${minor.type} ${minor.id} ingested`);
  const second = await runtime.ingest(workflow.id, { record: minor });
  await runtime.runs.wait(second.id, { untilWaiting: true, timeoutMs: 10_000 });
  mark("rejected by eng-lead@example.com");
  const rejected = await runtime.runs.signal(second.id, {
    step: "lead-approval",
    recordKey: minor.id,
    approved: false,
    by: "eng-lead@example.com",
    comment: "transient; already replayed",
  });
  print("a minor failure the lead rejects", {
    status: rejected.status,
    counts: { completed: rejected.counts.completed, rejected: rejected.counts.rejected },
    slackMessages: slackSink.received.length,
    teamsMessages: teamsSink.received.length,
    emails: smtp.mails.length,
  });

  // When each receiver got what, on one clock.
  for (const hit of slackSink.received)
    timeline.push(`t+${String(hit.at).padStart(5)} ms  Slack got a message`);
  for (const hit of teamsSink.received) timeline.push(`t+${String(hit.at).padStart(5)} ms  Teams got a card`);
  for (const mail of smtp.mails)
    timeline.push(`t+${String(mail.at).padStart(5)} ms  SMTP got "${mail.subject}"`);
  print(
    "timeline",
    timeline.sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0])).join("\n"),
  );
} finally {
  await runtime.close();
  mailer.close();
  await Promise.all([slackSink.close(), teamsSink.close(), smtp.close()]);
}
