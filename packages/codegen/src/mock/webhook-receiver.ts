import { standardWebhooks } from "@synapseops/connectors";
import type { OpenApiDocument, OperationDescriptor } from "@synapseops/core";
import { listWebhooks } from "../readiness/_features";
import type { SchemaValidator } from "../schema/validator";

/** The path prefix (after the base path) of the mock's webhook receivers. */
export const WEBHOOK_PREFIX = "/__synapseops/webhooks/";

/**
 * Receivers for the webhooks and callbacks a document declares, as a partner's endpoint would
 * be: Standard Webhooks signature and timestamp checked with the connectors' verifier (401
 * problem+json saying why when refused), the body validated against the documented schema
 * (400), 204 when accepted. Undefined for a name the document does not declare.
 */
export function createWebhookReceivers(
  doc: OpenApiDocument,
  operations: readonly OperationDescriptor[],
  validator: SchemaValidator,
  secret: string,
): (name: string, request: Request) => Promise<Response | undefined> {
  const declared = new Map(listWebhooks(doc, operations).map((webhook) => [webhook.name, webhook]));
  const scheme = standardWebhooks({ secret });
  const problem = (status: number, title: string, detail: string): Response =>
    new Response(JSON.stringify({ type: "about:blank", title, status, detail }), {
      status,
      headers: { "content-type": "application/problem+json" },
    });
  return async (name, request) => {
    const webhook = declared.get(name);
    if (!webhook) return undefined;
    if (request.method !== "POST") return problem(405, "Method Not Allowed", `webhook "${name}" takes POST`);
    const rawBody = await request.text();
    const verdict = scheme.verify({ rawBody, headers: request.headers });
    if (!verdict.ok)
      return problem(401, "Unauthorized", `webhook "${name}": ${verdict.reason}: ${verdict.message}`);
    if (webhook.schema !== undefined && /json/i.test(webhook.contentType)) {
      let body: unknown;
      try {
        body = JSON.parse(rawBody);
      } catch {
        return problem(400, "Bad Request", `webhook "${name}": the body is not JSON`);
      }
      const problems = validator.validate(webhook.schema, body);
      if (problems.length > 0)
        return problem(400, "Bad Request", `webhook "${name}": ${problems.map((p) => p.message).join("; ")}`);
    }
    return new Response(null, { status: 204 });
  };
}
