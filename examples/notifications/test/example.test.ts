import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

/** The text the example printed under `== title` (up to the next section). */
const section = (stdout: string, title: string): string => {
  const start = stdout.indexOf(`\n== ${title}\n`);
  if (start < 0) throw new Error(`the example printed no "${title}" section`);
  const body = stdout.slice(start + title.length + 5);
  const end = body.indexOf("\n== ");
  return end < 0 ? body : body.slice(0, end);
};
const json = <T = Record<string, unknown>>(stdout: string, title: string): T =>
  JSON.parse(section(stdout, title)) as T;

interface Hit {
  at: number;
  path: string;
  body: Record<string, unknown>;
}
interface Mail {
  at: number;
  from: string;
  to: string[];
  subject: string;
  messageId: string;
  text: string;
}

describe("notifications example", () => {
  let stdout = "";
  beforeAll(async () => {
    ({ stdout } = await promisify(execFile)(
      process.execPath,
      ["--conditions=@synapseops/source", "--import", "tsx", "src/main.ts"],
      { cwd: root, timeout: 60_000 },
    ));
  }, 60_000);

  it("Slack's receiver got the JSONata-rendered text and Block Kit blocks", () => {
    const [hit] = json<Hit[]>(stdout, "Slack received");
    expect(hit?.path).toBe("/services/T000/B000/eng-alerts");
    expect(hit?.body).toEqual({
      text: "CRITICAL Integration failure: Shop orders -> ERP sales orders (run_7f3a19)",
      blocks: [
        {
          type: "header",
          text: { type: "plain_text", text: "Integration failure: Shop orders -> ERP sales orders" },
        },
        {
          type: "section",
          fields: [
            { type: "mrkdwn", text: "*Severity*\nCRITICAL" },
            { type: "mrkdwn", text: "*Owner*\nteam-integrations" },
          ],
        },
        {
          type: "section",
          text: {
            type: "mrkdwn",
            text: "3 record(s) dead-lettered at step 'send' after 4 attempts\n`CONNECTOR_FAILED: [POST] \"https://erp.example/api/sales-orders\": 503 Service Unavailable`",
          },
        },
        {
          type: "context",
          elements: [
            {
              type: "mrkdwn",
              text: "<https://console.example/runs/run_7f3a19|Run run_7f3a19> · stakeholders are emailed once a lead approves",
            },
          ],
        },
      ],
    });
  });

  it("Teams' receiver got an Adaptive Card with the rendered title and text", () => {
    const [hit] = json<Hit[]>(stdout, "Teams received");
    expect(hit?.path).toBe("/webhookb2/eng-alerts/IncomingWebhook");
    expect(hit?.body).toMatchObject({
      type: "message",
      attachments: [
        {
          contentType: "application/vnd.microsoft.card.adaptive",
          content: {
            type: "AdaptiveCard",
            body: [
              { type: "TextBlock", text: "[CRITICAL] Integration failure: Shop orders -> ERP sales orders" },
              {
                type: "TextBlock",
                text: "3 record(s) dead-lettered at step 'send' after 4 attempts\n\nCONNECTOR_FAILED: [POST] \"https://erp.example/api/sales-orders\": 503 Service Unavailable\n\n[Run run_7f3a19](https://console.example/runs/run_7f3a19)",
              },
            ],
          },
        },
      ],
    });
  });

  it("no email is sent while the run waits for the lead", () => {
    expect(json(stdout, "waiting for the lead")).toMatchObject({
      status: "RUNNING",
      waiting: 1,
      step: "lead-approval",
      recordKey: "inc_20250114_0001",
      emailsSentSoFar: 0,
    });
    expect(json(stdout, "approved: the run goes on")).toEqual({
      status: "SUCCEEDED",
      counts: { completed: 1, waiting: 0 },
      emailsBeforeApproval: 0,
      emailsAfterApproval: 1,
    });
  });

  it("after the approval, the SMTP sink got the rendered email, after both chat messages", () => {
    const mails = json<Mail[]>(stdout, "email received by the SMTP sink");
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail).toMatchObject({
      from: "alerts@synapseops.example",
      to: ["order-ops@example.com"],
      subject: "[Shop orders -> ERP sales orders] delayed: 3 order(s) held for retry",
      messageId: "<inc_20250114_0001_email-stakeholders@synapseops>",
    });
    expect(mail?.text).toContain("Hello Order Operations,");
    expect(mail?.text).toContain(
      "could not deliver 3 order(s) at 09:12 UTC: 450789469, 450789470, 450789471.",
    );
    const [slackHit] = json<Hit[]>(stdout, "Slack received");
    const [teamsHit] = json<Hit[]>(stdout, "Teams received");
    expect(mail!.at).toBeGreaterThan(Math.max(slackHit!.at, teamsHit!.at));
    const timeline = section(stdout, "timeline");
    expect(timeline.indexOf("approved by eng-lead")).toBeLessThan(timeline.indexOf("SMTP got"));
  });

  it("a failure the lead rejects reaches Slack and Teams but sends no email", () => {
    expect(json(stdout, "a minor failure the lead rejects")).toEqual({
      status: "SUCCEEDED",
      counts: { completed: 0, rejected: 1 },
      slackMessages: 2,
      teamsMessages: 2,
      emails: 1,
    });
  });
});
