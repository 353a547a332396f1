import type { OperationDescriptor } from "@synapseops/core";
import { securitySchemes } from "../_credentials";
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
  const names = usedSecuritySchemes(doc, context.operations).filter(
    (name) => schemes[name]?.type !== "mutualTLS",
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
    const expectRefused = (ctx: CaseContext, response: CaseResponse, what: string): void => {
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
            credentials: { ...ctx.credentials, [scheme]: INVALID_CREDENTIAL },
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
  return { cases, omitted: names.length - kept.length, none: "no operation requires a security scheme" };
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
  schemes: Record<string, { type?: string }>,
  requirement: Record<string, unknown>,
): number {
  return Object.keys(requirement).filter((name) =>
    ["http", "oauth2", "openIdConnect"].includes(schemes[name]?.type ?? ""),
  ).length;
}
