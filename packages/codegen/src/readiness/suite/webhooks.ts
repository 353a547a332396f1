import { randomUUID } from "node:crypto";
import { generateWebhookSecret, signStandardWebhook } from "@synapseops/connectors";
import { checkedSample } from "../../generators/postman/_request";
import { listWebhooks } from "../_features";
import type { CaseContext, CaseResponse, GoldenCase } from "../types";
import type { BuildContext, CategoryCases } from "./_context";
import { spread } from "./_requests";

/** Seconds in the past a stale delivery is dated: twice the usual 5-minute tolerance. */
const STALE_SECONDS = 600;

/**
 * `webhooks`, per webhook or callback the API sends: deliveries signed the Standard Webhooks way
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature`, signed with our signer) go to the
 * environment's receiver (`variables.webhookUrl`, `{name}` replaced); a correctly signed one must
 * be accepted (2xx), one signed with another secret and one dated 10 minutes ago must be refused
 * (4xx). The body is a sample of the documented payload.
 */
export function webhookCases(context: BuildContext): CategoryCases {
  const declared = listWebhooks(context.doc, context.operations);
  const kept = spread(declared, context.limits.maxCasesPerCategory);
  const cases = kept.map((webhook): GoldenCase => {
    const payload =
      webhook.schema === undefined
        ? {}
        : checkedSample(context.doc, context.validator, webhook.schema, undefined).value;
    const body = JSON.stringify(payload ?? {});
    return {
      id: `webhooks:${webhook.name}`,
      category: "webhooks",
      name: `the receiver of "${webhook.name}" verifies signatures and timestamps`,
      async run(ctx) {
        const url = ctx.webhookUrl(webhook.name);
        if (!url)
          return ctx.skip(`environment "${ctx.environment}" has no webhookUrl variable to deliver to`);
        const secret = ctx.webhookSecret;
        if (!secret)
          return ctx.skip(`environment "${ctx.environment}" has no webhookSecret secret to sign with`);
        const deliver = (headers: Record<string, string>): Promise<CaseResponse> =>
          ctx.send({
            method: "POST",
            path: url,
            headers: { ...headers, "content-type": webhook.contentType },
            body,
            credentials: false,
          });
        const signed = await deliver(signStandardWebhook({ secret, id: `msg_${randomUUID()}`, body }));
        if (signed.status < 200 || signed.status >= 300)
          return ctx.fail(`a correctly signed "${webhook.name}" delivery was answered ${signed.status}`, {
            pointer: "/response/status",
            expected: "2xx",
            actual: signed.status,
          });
        const forged = await deliver(
          signStandardWebhook({ secret: generateWebhookSecret(), id: `msg_${randomUUID()}`, body }),
        );
        expectRefused(ctx, forged, `a "${webhook.name}" delivery signed with another secret`);
        const stale = await deliver(
          signStandardWebhook({
            secret,
            id: `msg_${randomUUID()}`,
            body,
            timestamp: Math.floor(Date.now() / 1000) - STALE_SECONDS,
          }),
        );
        expectRefused(ctx, stale, `a "${webhook.name}" delivery dated ${STALE_SECONDS / 60} minutes ago`);
      },
    };
  });
  return { cases, omitted: declared.length - kept.length, none: "no webhooks or callbacks declared" };
}

function expectRefused(ctx: CaseContext, response: CaseResponse, what: string): void {
  if (response.status < 400 || response.status >= 500)
    ctx.fail(`${what} was answered ${response.status}: the receiver must refuse it`, {
      pointer: "/response/status",
      expected: "4xx",
      actual: response.status,
    });
}
