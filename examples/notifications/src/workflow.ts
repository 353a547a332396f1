import type { BlueprintBodyInput } from "@synapseops/core";

/** An `integration_failure` event, as a host emits it when an integration run dead-letters records. */
export interface IntegrationFailure {
  type: "integration_failure";
  id: string;
  occurredAt: string;
  severity: "critical" | "warning";
  integration: { id: string; name: string; owner: string; stakeholders: string };
  failure: {
    runId: string;
    step: string;
    attempts: number;
    records: string[];
    error: { code: string; message: string };
  };
  links: { run: string };
}

/**
 * The alert both chat channels get: the notify steps render it from `{ record, run }` with this
 * JSONata template; the Slack and Teams refs then lay it out with their own templates.
 */
export const alertTemplate = `{
  "title": "Integration failure: " & record.integration.name,
  "severity": $uppercase(record.severity),
  "owner": record.integration.owner,
  "summary": $string($count(record.failure.records)) & " record(s) dead-lettered at step '" & record.failure.step
    & "' after " & $string(record.failure.attempts) & " attempts",
  "error": record.failure.error.code & ": " & record.failure.error.message,
  "runId": record.failure.runId,
  "runUrl": record.links.run
}`;

/** Slack's layout of the alert: fallback text and Block Kit blocks. */
export const slackLayout = {
  text: 'severity & " " & title & " (" & runId & ")"',
  blocks: `[
    { "type": "header", "text": { "type": "plain_text", "text": title } },
    { "type": "section", "fields": [
      { "type": "mrkdwn", "text": "*Severity*\\n" & severity },
      { "type": "mrkdwn", "text": "*Owner*\\n" & owner }
    ] },
    { "type": "section", "text": { "type": "mrkdwn", "text": summary & "\\n\`" & error & "\`" } },
    { "type": "context", "elements": [
      { "type": "mrkdwn", "text": "<" & runUrl & "|Run " & runId & "> · stakeholders are emailed once a lead approves" }
    ] }
  ]`,
};

/** Teams' layout of the alert: the Adaptive Card's title and text. */
export const teamsLayout = {
  title: '"[" & severity & "] " & title',
  text: 'summary & "\\n\\n" & error & "\\n\\n[Run " & runId & "](" & runUrl & ")"',
};

/** The stakeholder email, rendered by the last notify step once a lead approved it. */
export const emailTemplate = `{
  "subject": "[" & record.integration.name & "] delayed: " & $string($count(record.failure.records))
    & " order(s) held for retry",
  "body": "Hello " & record.integration.stakeholders & ",\\n\\n"
    & "The integration \\"" & record.integration.name & "\\" could not deliver "
    & $string($count(record.failure.records)) & " order(s) at " & $substring(record.occurredAt, 11, 5) & " UTC: "
    & $join(record.failure.records, ", ") & ".\\n"
    & "Nothing is lost: the orders are kept and will be replayed once the ERP answers again.\\n\\n"
    & "Incident: " & record.id & "\\n"
    & "Run: " & record.links.run & "\\n\\n"
    & "-- " & record.integration.owner
}`;

/** The email ref's layout: subject and body straight from the rendered message. */
export const emailLayout = { subject: "subject", text: "body" };

/**
 * integration_failure → Slack and Teams for engineering → a lead's approval → an email to the
 * integration's stakeholders. The event id is the idempotency key, so a redelivered event is
 * not announced twice; each notify step sends `<id>:<step>` as its own key (the email's
 * Message-ID).
 */
export function failureWorkflow(refs: {
  events: string;
  slack: string;
  teams: string;
  email: string;
}): BlueprintBodyInput {
  return {
    description: "tell engineering at once; tell stakeholders when a lead agrees",
    trigger: { kind: "webhook" },
    source: { connector: refs.events },
    target: { connector: refs.email },
    idempotencyKey: "id",
    steps: [
      { id: "failures-only", kind: "filter", condition: "type = 'integration_failure'" },
      { id: "slack-engineering", kind: "notify", connector: refs.slack, template: alertTemplate },
      { id: "teams-engineering", kind: "notify", connector: refs.teams, template: alertTemplate },
      {
        id: "lead-approval",
        kind: "approval",
        description: "a lead decides whether stakeholders hear about it",
        timeoutMs: 4 * 3_600_000,
        onTimeout: "reject",
      },
      { id: "email-stakeholders", kind: "notify", connector: refs.email, template: emailTemplate },
    ],
  };
}
