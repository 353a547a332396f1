import { randomBytes } from "node:crypto";
import fastifyCookie from "@fastify/cookie";
import fastifyCors from "@fastify/cors";
import fastifyCsrf from "@fastify/csrf-protection";
import fastifyRateLimit from "@fastify/rate-limit";
import type { AuthorizeAction, Runtime } from "@synapseops/core";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Identities, Principal } from "./identities";

/**
 * Who may call a route. `public` routes need no principal (the console's files, login, health);
 * every other route needs one, and `action` on the project `project` resolves to (`"any"`: the
 * route filters what it answers by the caller's grants itself). Without `access` a route needs
 * `project.read` on every project — the safe default for a route someone forgets to annotate.
 */
export type RouteAccess =
  | { public: true }
  | {
      action?: AuthorizeAction;
      /** The project the request acts in; `undefined` means all projects. */
      project?: "any" | ((request: FastifyRequest) => Promise<string | undefined>);
    };

declare module "fastify" {
  interface FastifyContextConfig {
    /** Who may call the route (see {@link RouteAccess}). */
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** The authenticated caller; set on every non-public route. */
    principal?: Principal;
  }
}

/** Options of the access layer. */
export interface AccessOptions {
  /**
   * Set `Secure` on cookies. Browsers accept Secure cookies from http://localhost and
   * http://127.0.0.1, so this stays on in development as well.
   * @default true
   */
  secureCookies?: boolean;
  /** Origins allowed cross-origin (CORS). @default [] (CORS off) */
  corsOrigins?: string[];
  /** Requests per minute per token, session or client address. @default 6000 */
  rateLimitPerMinute?: number;
}

/** The session cookie's name. */
export const SESSION_COOKIE = "synapseops_session";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** An error Fastify's error handler answers with its status (problem.ts maps the code). */
export function httpError(statusCode: number, code: string, message: string): Error {
  return Object.assign(new Error(message), { statusCode, code });
}

/** The principal of a request: a bearer token first, else the session cookie. */
function authenticate(request: FastifyRequest, ids: Identities): Principal | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer ([A-Za-z0-9._~+/=-]{16,512})$/.exec(header);
    return match ? ids.bearer(match[1]!) : undefined;
  }
  const cookie = request.cookies?.[SESSION_COOKIE];
  return cookie ? ids.session(cookie) : undefined;
}

/**
 * Registers the access layer: cookies, CSRF protection (double submit, bound to the session),
 * rate limits, CORS when origins are given, and the two hooks — authentication `onRequest`
 * (401 before the body is read), CSRF and authorization `preValidation` (403 before validation,
 * so a refused caller learns nothing of the body's shape).
 */
export async function registerAccess(
  app: FastifyInstance,
  { runtime, identities: ids }: { runtime: Runtime; identities: Identities },
  options: AccessOptions = {},
): Promise<void> {
  const secure = options.secureCookies ?? true;
  // Cookies first: the rate limit's key reads the session.
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    global: true,
    max: options.rateLimitPerMinute ?? 6000,
    timeWindow: 60_000,
    // Per principal when the credential is valid, else per client address: made-up tokens must
    // not each get a bucket of their own (that would lift the limit for whoever invents them).
    keyGenerator: (request) => authenticate(request, ids)?.actor ?? request.ip,
    errorResponseBuilder: (_request, context) =>
      httpError(429, "RATE_LIMITED", `more than ${context.max} requests in ${context.after}; retry later`),
  });
  if (options.corsOrigins?.length) {
    await app.register(fastifyCors, { origin: options.corsOrigins, credentials: true });
  }
  await app.register(fastifyCsrf, {
    sessionPlugin: "@fastify/cookie",
    cookieOpts: { httpOnly: true, sameSite: "strict", secure, path: "/", signed: false },
    csrfOpts: { userInfo: true, hmacKey: randomBytes(32).toString("base64url") },
    getUserInfo: (request) => request.principal?.sessionId ?? "",
  });

  app.addHook("onRequest", async (request, reply) => {
    const access = request.routeOptions.config.access;
    if (access !== undefined && "public" in access) return;
    const principal = authenticate(request, ids);
    if (principal === undefined) {
      reply.header("www-authenticate", 'Bearer realm="synapseops"');
      throw httpError(
        401,
        "UNAUTHENTICATED",
        "sign in, or send an API token as `Authorization: Bearer <token>`",
      );
    }
    request.principal = principal;
  });

  // Cookies ride along on cross-site requests; bearer tokens do not, so only sessions need it.
  // csrfProtection answers a refusal itself (a 403 through the error handler).
  app.addHook("preValidation", (request, reply, done) => {
    if (request.principal?.kind === "user" && !SAFE_METHODS.has(request.method))
      app.csrfProtection(request, reply, done);
    else done();
  });

  app.addHook("preValidation", async (request) => {
    const access = request.routeOptions.config.access;
    const principal = request.principal;
    if (principal === undefined || (access !== undefined && "public" in access)) return;
    const project = access?.project;
    if (project === "any") return;
    const projectId = project === undefined ? undefined : await project(request);
    await runtime.authorize(principal.actor, access?.action ?? "project.read", {
      type: "route",
      id: `${request.method} ${request.routeOptions.url}`,
      ...(projectId === undefined ? {} : { projectId }),
    });
  });

  app.decorate("sessionCookie", (reply: FastifyReply, value: string, maxAgeSeconds: number) =>
    reply.setCookie(SESSION_COOKIE, value, {
      httpOnly: true,
      sameSite: "strict",
      secure,
      path: "/",
      maxAge: maxAgeSeconds,
    }),
  );
}

declare module "fastify" {
  interface FastifyInstance {
    /** Sets (or, with an empty value and 0, clears) the session cookie with the service's flags. */
    sessionCookie(reply: FastifyReply, value: string, maxAgeSeconds: number): FastifyReply;
  }
}
