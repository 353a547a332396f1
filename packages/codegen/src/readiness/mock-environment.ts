import { generateWebhookSecret } from "@synapseops/connectors";
import { createMockServer } from "../mock/server";
import type { MockFault, MockServerOptions } from "../mock/types";
import { mockCredential, securitySchemes } from "./_credentials";
import { CASE_HEADER } from "./_exchange";
import type { GoldenSuite } from "./types";

/** A mock environment started for one suite run. */
export interface MockEnvironment {
  baseUrl: string;
  credentials: Record<string, string>;
  webhookUrl: string;
  webhookSecret: string;
  close(): Promise<void>;
}

/** Where the mock serves its webhook receiver, under its base URL (`{name}`: the webhook). */
export const MOCK_WEBHOOK_PATH = "/__synapseops/webhooks/{name}";

/**
 * Starts the codegen mock of the suite's document over HTTP, configured so each category's
 * documented behaviour exists: credentials enforced (one generated credential per scheme),
 * a rate limit per case where the profile requires it, a webhook receiver with a fresh secret,
 * and, for `timeouts-retries` cases only, one 5xx then one slow answer before normal ones.
 */
export async function startMockEnvironment(
  suite: GoldenSuite,
  overrides: MockServerOptions = {},
): Promise<MockEnvironment> {
  const credentials: Record<string, string> = {};
  for (const [name, scheme] of Object.entries(securitySchemes(suite.document)))
    credentials[name] = mockCredential(name, scheme);
  const webhookSecret = generateWebhookSecret();
  const attempts = new Map<string, number>();
  const slowMs = suite.limits.retry.attemptTimeoutMs + 300;
  // Faults only for retry cases, keyed by the case header, so the rest of the suite is unaffected.
  const faults = (request: Request): MockFault | undefined => {
    const caseId = request.headers.get(CASE_HEADER) ?? "";
    if (!caseId.startsWith("timeouts-retries:")) return undefined;
    const attempt = (attempts.get(caseId) ?? 0) + 1;
    attempts.set(caseId, attempt);
    if (attempt === 1) {
      // The operation's answer is built meanwhile, outside the case: a large schema's first
      // answer compiles its validator (App Store Connect: 5 s), which blocked the attempt after
      // the slow one, and the case measured the mock's cold start, not the retries (issue 19).
      const headers = new Headers(request.headers);
      headers.delete(CASE_HEADER);
      void mock.fetch(new Request(request.url, { method: request.method, headers })).catch(() => {});
      return { status: 503 };
    }
    if (attempt === 2) return { delayMs: slowMs };
    return undefined;
  };
  const caseOperations = new Map(suite.cases.map((c) => [c.id, c.operation]));
  const options: MockServerOptions = {
    enforceSecurity: true,
    // The case's operation: the mock serves it where templates differ only in parameter names.
    operationHint: (request) => caseOperations.get(request.headers.get(CASE_HEADER) ?? ""),
    credentials,
    webhooks: { secret: webhookSecret },
    faults,
    ...(suite.profile.categories["rate-limit"].requirement === "required"
      ? {
          rateLimit: {
            limit: Math.max(1, Math.floor(suite.limits.rateLimitBurst / 2)),
            // Long enough that a burst from a loaded machine lands in one window (a 1 s window
            // let Adyen's 30 requests spread over two and never see a 429; issue 19), short
            // enough that its Retry-After stays within the suite's wait.
            windowMs: Math.min(4, suite.limits.maxRetryAfterSeconds) * 1000,
            key: (request: Request) => request.headers.get(CASE_HEADER) ?? "",
          },
        }
      : {}),
    ...overrides,
  };
  const mock = createMockServer(suite.document, options);
  const listener = await mock.listen();
  return {
    baseUrl: listener.url,
    credentials,
    webhookUrl: `${listener.url}${MOCK_WEBHOOK_PATH}`,
    webhookSecret,
    close: listener.close,
  };
}
