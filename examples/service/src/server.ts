import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import { type AccessOptions, type RouteAccess, registerAccess } from "./auth/access";
import { answerClientError, refuseHostileInput, requireHost } from "./http-errors";
import type { RegisteredOperation } from "./operation";
import { sendProblem, sendRouteNotFound } from "./problem";
import { requestValidatorCompiler } from "./request-validation";
import { alertRoutes } from "./routes/alerts";
import { authRoutes } from "./routes/auth";
import { blueprintRoutes } from "./routes/blueprints";
import { connectionRoutes } from "./routes/connections";
import { consoleRoutes } from "./routes/console";
import { deadLetterRoutes } from "./routes/dead-letters";
import { environmentRoutes } from "./routes/environments";
import { eventRoutes } from "./routes/events";
import { mappingRoutes } from "./routes/mapping";
import { metaRoutes } from "./routes/meta";
import { projectRoutes } from "./routes/projects";
import { queueRoutes } from "./routes/queue";
import { runListRoutes } from "./routes/run-list";
import { runRoutes } from "./routes/runs";
import { sandboxRoutes } from "./routes/sandbox";
import { scheduleRoutes } from "./routes/schedules";
import type { ServiceContext } from "./service-context";

/** A route of the app, as the security test enumerates them. */
export interface RouteEntry {
  method: string;
  /** Fastify's form: `/runs/:id`. */
  url: string;
  /** Served without a principal (console files, login, health). */
  public: boolean;
}

declare module "fastify" {
  interface FastifyInstance {
    /** Every route registered, so tests can cover each one (a new route cannot escape them). */
    routeTable: readonly RouteEntry[];
  }
}

const isPublic = (access: RouteAccess | undefined): boolean => access !== undefined && "public" in access;

/** Options of {@link buildServer}. */
export interface BuildServerOptions {
  /** Fastify's logger option (pino): `false` for tests. @default true */
  logger?: FastifyServerOptions["logger"];
  /** A pino logger to use instead (the one the runtime logs to, so both share one stream). */
  loggerInstance?: FastifyServerOptions["loggerInstance"];
  /** Cookies, CORS and rate limits of the access layer. */
  access?: AccessOptions;
}

/**
 * The Fastify app exposing the platform API over a runtime: every route validates its request
 * from zod schemas, answers errors as RFC 9457 problem+json, and is listed in `/openapi.json`.
 * The web console is served at `/console`.
 */
export async function buildServer(
  context: ServiceContext,
  options: BuildServerOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.loggerInstance
      ? { loggerInstance: options.loggerInstance }
      : { logger: options.logger ?? true }),
    // Every error is problem+json, also those Fastify and Node answer before a route runs (issue 16).
    frameworkErrors: sendProblem,
    clientErrorHandler: answerClientError,
    // Node answers a missing Host with a bare 400; requireHost answers it as a problem instead.
    http: { requireHostHeader: false },
    // Ids up to 256 characters reach validation (a 400 with a pointer); longer ones are a 414.
    routerOptions: { maxParamLength: 256 },
    // Every route's body limit (a 413 past it), stated rather than left to Fastify's default.
    bodyLimit: 1024 * 1024,
  });
  app.setValidatorCompiler(requestValidatorCompiler);
  app.addHook("onRequest", requireHost);
  app.addHook("preValidation", refuseHostileInput);
  const operations: RegisteredOperation[] = [];
  const routeTable: RouteEntry[] = [];
  app.decorate("routeTable", routeTable);
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) {
      if (method !== "HEAD")
        routeTable.push({ method, url: route.url, public: isPublic(route.config?.access) });
    }
    const spec = route.config?.operation;
    if (spec === undefined) return;
    const method = Array.isArray(route.method) ? route.method[0]! : route.method;
    if (method === "HEAD") return;
    operations.push({ method, url: route.url, spec, schema: route.schema ?? {} });
  });
  app.setErrorHandler(sendProblem);
  app.setNotFoundHandler(sendRouteNotFound);
  app.addHook("onClose", async () => context.state?.close());
  await registerAccess(app, context, options.access);
  authRoutes(app, context);
  metaRoutes(app, context, operations);
  projectRoutes(app, context);
  environmentRoutes(app, context);
  blueprintRoutes(app, context);
  mappingRoutes(app);
  runRoutes(app, context);
  runListRoutes(app, context);
  deadLetterRoutes(app, context);
  alertRoutes(app, context);
  eventRoutes(app, context);
  sandboxRoutes(app, context);
  scheduleRoutes(app, context);
  connectionRoutes(app, context);
  queueRoutes(app, context);
  consoleRoutes(app);
  await app.ready();
  return app;
}
