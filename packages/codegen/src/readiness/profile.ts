import {
  type CategoryRequirement,
  listOperations,
  type OpenApiDocument,
  type OperationDescriptor,
  type TestCategory,
  type TestProfile,
} from "@synapseops/core";
import { isCarriedInRequest, securitySchemes } from "./_credentials";
import {
  documentsErrorBody,
  documentsRateLimit,
  idempotencyHeader,
  listWebhooks,
  paginationShape,
  usedSecuritySchemes,
  versionParameter,
} from "./_features";

type Decision = { requirement: CategoryRequirement; reason: string };

const WRITES = new Set(["post", "put", "patch"]);

/** `a, b, c and 4 more`: a bounded list for reasons. */
function few(names: readonly string[], max = 3): string {
  const shown = names.slice(0, max).join(", ");
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/**
 * Proposes which golden categories apply to an API, each `required`, `optional` or `n/a` with
 * the reason read from the document: no POST/PUT/PATCH → idempotency n/a; no security schemes →
 * auth n/a; webhooks or callbacks → webhooks required; a documented 429 or rate-limit headers →
 * rate-limit required (else optional); no list with a position parameter, `Link` header or
 * next-cursor field → pagination n/a; and so on.
 *
 * @example
 * ```ts
 * const profile = detectProfile(await loadOpenApi("openapi.yaml"));
 * profile.categories.idempotency; // { requirement: "n/a", reason: "no POST, PUT or PATCH operation" }
 * ```
 */
export function detectProfile(
  doc: OpenApiDocument,
  operations?: readonly OperationDescriptor[],
): TestProfile {
  const ops = operations ?? listOperations(doc);
  const categories = {} as Record<TestCategory, Decision>;

  const withSchema = ops.filter((op) =>
    op.responses.some((r) => r.content.some((m) => /json/i.test(m.contentType) && m.schema !== undefined)),
  );
  categories.schema =
    withSchema.length > 0
      ? {
          requirement: "required",
          reason: `${withSchema.length} of ${ops.length} operations document a JSON response schema`,
        }
      : { requirement: "n/a", reason: "no operation documents a JSON response schema" };

  const schemes = usedSecuritySchemes(doc, ops);
  const declared = securitySchemes(doc);
  const testable = schemes.filter((name) => isCarriedInRequest(declared[name]));
  categories.auth =
    testable.length > 0
      ? {
          requirement: "required",
          reason: `operations require credentials (security schemes: ${few(testable)})`,
        }
      : schemes.length > 0
        ? {
            requirement: "n/a",
            reason: "only mutual TLS or nameless API keys are required, which a request cannot carry or omit",
          }
        : { requirement: "n/a", reason: "no operation requires a security scheme" };

  const validated = ops.filter(
    (op) => op.parameters.some((p) => p.required && p.in !== "path") || op.requestBody?.schema !== undefined,
  );
  categories.validation =
    validated.length > 0
      ? {
          requirement: "required",
          reason: `${validated.length} operations take required parameters or a request body schema`,
        }
      : { requirement: "n/a", reason: "no operation takes a required parameter or a request body schema" };

  const declaring = ops.filter((op) => idempotencyHeader(op));
  const writes = ops.filter((op) => WRITES.has(op.method));
  categories.idempotency =
    declaring.length > 0
      ? {
          requirement: "required",
          reason: `${declaring.length} operations declare an Idempotency-Key header (${few(declaring.map((o) => o.operationId))})`,
        }
      : writes.length > 0
        ? {
            requirement: "optional",
            reason: `${writes.length} POST/PUT/PATCH operations, none declares an Idempotency-Key header; mark required to test POSTs with one`,
          }
        : { requirement: "n/a", reason: "no POST, PUT or PATCH operation" };

  const limited = ops.filter(documentsRateLimit);
  categories["rate-limit"] =
    limited.length > 0
      ? {
          requirement: "required",
          reason: `${limited.length} operations document a 429 or rate-limit headers`,
        }
      : {
          requirement: "optional",
          reason:
            "no 429 or rate-limit header documented; a burst is tried and a 429 is checked if one comes",
        };

  const paged = ops.filter((op) => paginationShape(doc, op));
  categories.pagination =
    paged.length > 0
      ? {
          requirement: "required",
          reason: `${paged.length} list operations page (${few(paged.map((o) => `${o.operationId}: ${paginationShape(doc, o)!.kind}`))})`,
        }
      : {
          requirement: "n/a",
          reason: "no list operation with a cursor, offset or page parameter, Link header or next-page field",
        };

  const errorBodies = ops.filter(documentsErrorBody);
  const problemJson = errorBodies.some((op) =>
    op.responses.some((r) => r.content.some((m) => /problem\+json/i.test(m.contentType))),
  );
  categories.errors =
    errorBodies.length > 0
      ? {
          requirement: "required",
          reason: `${errorBodies.length} operations document an error body${problemJson ? " (RFC 9457 problem+json)" : ""}`,
        }
      : { requirement: "n/a", reason: "no operation documents a 4xx/5xx/default response body" };

  const webhooks = listWebhooks(doc, ops);
  categories.webhooks =
    webhooks.length > 0
      ? {
          requirement: "required",
          reason: `the API sends ${webhooks.length} webhooks or callbacks (${few(webhooks.map((w) => w.name))})`,
        }
      : { requirement: "n/a", reason: "no webhooks, x-webhooks or callbacks declared" };

  const safe = ops.filter((op) => op.method === "get");
  const retryHints = ops.filter((op) =>
    op.responses.some(
      (r) =>
        /^(408|429|503|504)$/.test(r.status) || Object.keys(r.headers).some((h) => /^retry-after$/i.test(h)),
    ),
  );
  categories["timeouts-retries"] =
    safe.length === 0
      ? { requirement: "n/a", reason: "no GET operation a client may retry safely" }
      : retryHints.length > 0
        ? {
            requirement: "required",
            reason: `${retryHints.length} operations document 408/429/503/504 or Retry-After: clients are expected to retry`,
          }
        : {
            requirement: "optional",
            reason: "GET operations can be retried; no retry-related response documented",
          };

  const versioned = ops.filter((op) => versionParameter(op));
  const jsonBodies = ops.filter(
    (op) => op.requestBody && /json|x-www-form-urlencoded/i.test(op.requestBody.contentType),
  );
  categories.versioning =
    versioned.length > 0
      ? {
          requirement: "required",
          reason: `a version parameter is documented (${few([...new Set(versioned.map((o) => versionParameter(o)!.name))])})`,
        }
      : jsonBodies.length > 0
        ? {
            requirement: "optional",
            reason:
              "no version header or parameter; unknown request fields are tried on JSON and form bodies",
          }
        : { requirement: "n/a", reason: "no version header or parameter and no JSON or form request body" };

  return { categories };
}
