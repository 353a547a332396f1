import type { OperationDescriptor } from "@synapseops/core";
import { credentialPlace, isCarriedInRequest, securitySchemes } from "../_credentials";
import { usedSecuritySchemes } from "../_features";
import type { CaseContext, CaseResponse, GoldenCase } from "../types";
import { type BuildContext, type CategoryCases, label } from "./_context";
import { sampleRequest } from "./_requests";

/** A credential no server should accept. */
const INVALID_CREDENTIAL = "synapseops-invalid-credential-0000";

/**
 * `auth`, per security scheme: on an operation that cannot be called without the scheme, a
 * request without credentials and one with an invalid credential must get the documented
 * 401/403 (401 or 403 when neither is documented), and one with the environment's credential
 * must not.
 */
export function authCases(context: BuildContext): CategoryCases {
  const { doc, validator } = context;
  const schemes = securitySchemes(doc);
  const names = usedSecuritySchemes(doc, context.operations).filter((name) =>
    isCarriedInRequest(schemes[name]),
  );
  // Schemes that alone guard some operation first: only those can be checked by leaving them out.
  const guards = (name: string): boolean =>
    context.operations.some((op) => op.security.length > 0 && op.security.every((req) => name in req));
  const ordered = [...names.filter(guards), ...names.filter((name) => !guards(name))];
  const kept = ordered.slice(0, Math.max(1, Math.floor(context.limits.maxCasesPerCategory / 3)));
  const cases: GoldenCase[] = [];
  for (const scheme of kept) {
    // Only this scheme opens the operation: every requirement names it, none is empty.
    const guarded = context.operations.filter(
      (op) => op.security.length > 0 && op.security.every((req) => scheme in req),
    );
    const op = pickSimplest(guarded);
    const base = { category: "auth" as const, ...(op ? { operation: op.operationId } : {}) };
    if (!op) {
      cases.push({
        ...base,
        id: `auth:${scheme}`,
        name: `${scheme} guards its operations`,
        notApplicable: `every operation using ${scheme} also accepts another scheme or none`,
      });
      continue;
    }
    const sample = sampleRequest(doc, validator, op);
    const expectRefused = refusalCheck(op);
    cases.push(
      {
        ...base,
        id: `auth:${scheme}:missing`,
        name: `${label(op)} without ${scheme} credentials is refused`,
        async run(ctx) {
          expectRefused(
            ctx,
            await ctx.send({ ...sample.request, credentials: false }),
            "without credentials",
          );
        },
      },
      {
        ...base,
        id: `auth:${scheme}:invalid`,
        name: `${label(op)} with an invalid ${scheme} credential is refused`,
        async run(ctx) {
          const response = await ctx.send({
            ...sample.request,
            credentials: { ...ctx.credentials, ...invalidFor(schemes, scheme) },
          });
          expectRefused(ctx, response, "with an invalid credential");
        },
      },
      {
        ...base,
        id: `auth:${scheme}:valid`,
        name: `${label(op)} with the environment's ${scheme} credential is accepted`,
        ...(op.security.every((req) => authorizationHeaders(schemes, req) > 1)
          ? {
              notApplicable: `every security requirement of ${label(op)} needs two schemes in the one Authorization header`,
            }
          : {}),
        async run(ctx) {
          if (ctx.credentials[scheme] === undefined)
            return ctx.skip(
              `environment "${ctx.environment}" has no credential for ${scheme} (secrets.${scheme})`,
            );
          const response = await ctx.send(sample.request);
          if (response.status === 401 || response.status === 403)
            return ctx.fail(
              `${label(op)} refused the environment's ${scheme} credential (${response.status})`,
              {
                pointer: "/response/status",
                actual: response.status,
              },
            );
        },
      },
    );
  }
  // Issue 19: where every guarded operation accepts one scheme or another (Stripe: basic or
  // bearer; Asana: OAuth2 or a token), no scheme can be left out alone — but no credential at
  // all, or only invalid ones, must still be refused.
  if (cases.some((c) => c.notApplicable !== undefined)) cases.push(...alternativeCases(context, names));
  return { cases, omitted: names.length - kept.length, none: "no operation requires a security scheme" };
}

/**
 * Cases on an operation that needs some credential but accepts several schemes: a request
 * without credentials and one with every scheme's credential invalid are refused; the
 * environment's credentials are accepted.
 */
function alternativeCases(context: BuildContext, names: readonly string[]): GoldenCase[] {
  const { doc, validator } = context;
  const testable = new Set(names);
  const schemes = securitySchemes(doc);
  // Every requirement names a testable scheme (none is empty), and the first one — the one the
  // environment's credentials are sent for — puts at most one scheme in the Authorization header.
  const guarded = context.operations.filter(
    (op) =>
      op.security.length > 0 &&
      op.security.every(
        (req) => Object.keys(req).length > 0 && Object.keys(req).every((n) => testable.has(n)),
      ) &&
      authorizationHeaders(schemes, op.security[0] ?? {}) <= 1,
  );
  const succeeds = (candidate: OperationDescriptor): boolean =>
    candidate.responses.some((r) => /^2/.test(r.status));
  const op = pickSimplest(guarded.filter(succeeds)) ?? pickSimplest(guarded);
  if (!op) return [];
  const alternatives = [...new Set(op.security.flatMap((req) => Object.keys(req)))];
  const sample = sampleRequest(doc, validator, op);
  const base = { category: "auth" as const, operation: op.operationId };
  const expectRefused = refusalCheck(op);
  const invalid = Object.fromEntries(alternatives.map((name) => [name, INVALID_CREDENTIAL]));
  return [
    {
      ...base,
      id: "auth:any:missing",
      name: `${label(op)} without any credentials is refused`,
      async run(ctx) {
        expectRefused(ctx, await ctx.send({ ...sample.request, credentials: false }), "without credentials");
      },
    },
    {
      ...base,
      id: "auth:any:invalid",
      name: `${label(op)} with an invalid ${alternatives.join(" or ")} credential is refused`,
      async run(ctx) {
        const response = await ctx.send({ ...sample.request, credentials: invalid });
        expectRefused(ctx, response, "with invalid credentials");
      },
    },
    {
      ...base,
      id: "auth:any:valid",
      name: `${label(op)} with the environment's credentials is accepted`,
      ...(succeeds(op)
        ? {}
        : { notApplicable: `${label(op)} documents no 2xx answer to accept the credentials with` }),
      async run(ctx) {
        if (!alternatives.some((name) => ctx.credentials[name] !== undefined))
          return ctx.skip(
            `environment "${ctx.environment}" has no credential for ${alternatives.join(" or ")}`,
          );
        const response = await ctx.send(sample.request);
        if (response.status === 401 || response.status === 403)
          return ctx.fail(`${label(op)} refused the environment's credentials (${response.status})`, {
            pointer: "/response/status",
            actual: response.status,
          });
      },
    },
  ];
}

/**
 * The invalid credentials that leave a scheme out: its own, and every other scheme's that goes
 * to the same place — the Authorization header, or one API key parameter (FEC's `apiKey` and
 * `ApiKeyQueryAuth`, both `api_key`; issue 19) — since a valid one there would stand in for it.
 */
function invalidFor(
  schemes: Record<string, { type?: string; in?: string; name?: string }>,
  scheme: string,
): Record<string, string> {
  const place = credentialPlace(schemes[scheme]);
  const names =
    place === undefined
      ? [scheme]
      : Object.keys(schemes).filter((name) => credentialPlace(schemes[name]) === place);
  return Object.fromEntries(names.map((name) => [name, INVALID_CREDENTIAL]));
}

/** Fails unless a response is the refusal the operation documents (401/403; either when neither is). */
function refusalCheck(
  op: OperationDescriptor,
): (ctx: CaseContext, response: CaseResponse, what: string) => void {
  return (ctx, response, what) => {
    const documented = op.responses
      .filter((r) => r.status === "401" || r.status === "403")
      .map((r) => Number(r.status));
    const allowed = documented.length > 0 ? documented : [401, 403];
    if (!allowed.includes(response.status))
      ctx.fail(`${label(op)} ${what} answered ${response.status}, not ${allowed.join(" or ")}`, {
        pointer: "/response/status",
        expected: allowed,
        actual: response.status,
      });
  };
}

/** A GET with the fewest required parameters, else any operation with the fewest. */
function pickSimplest(ops: readonly OperationDescriptor[]): OperationDescriptor | undefined {
  const weight = (op: OperationDescriptor): number =>
    (op.method === "get" ? 0 : 100) +
    op.parameters.filter((p) => p.required).length +
    (op.requestBody?.required ? 10 : 0);
  return [...ops].sort((a, b) => weight(a) - weight(b))[0];
}

/** How many schemes of a requirement use the Authorization header (HTTP, OAuth2, OpenID Connect). */
function authorizationHeaders(
  schemes: Record<string, { type?: string; in?: string; name?: string }>,
  requirement: Record<string, unknown>,
): number {
  return Object.keys(requirement).filter((name) => {
    const scheme = schemes[name];
    return (
      ["http", "oauth2", "openIdConnect"].includes(scheme?.type ?? "") ||
      (scheme?.type === "apiKey" && scheme.in === "header" && /^authorization$/i.test(scheme.name ?? ""))
    );
  }).length;
}
