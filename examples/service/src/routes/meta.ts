import { generate } from "@synapseops/codegen";
import type { FastifyInstance } from "fastify";
import { buildOpenApiDocument } from "../openapi";
import { addOperation, type RegisteredOperation } from "../operation";
import type { ServiceContext } from "../service-context";

/** Title and version of the service's OpenAPI document. */
export const API_INFO = { title: "SynapseOps service", version: "1.0.0" } as const;

/**
 * The service's OpenAPI document: built from the route table, then put through codegen's
 * `openapi` generator (loaded, bundled and normalised as every codegen input is) — so the
 * document served is the one our SDK generators read.
 */
export async function serviceOpenApiDocument(
  operations: readonly RegisteredOperation[],
): Promise<Record<string, unknown>> {
  const { files } = await generate({
    input: buildOpenApiDocument(operations, API_INFO),
    targets: ["openapi"],
    inMemory: true,
  });
  const file = files.find((f) => f.path === "openapi/openapi.json");
  if (file === undefined) throw new Error("codegen produced no openapi/openapi.json");
  return JSON.parse(String(file.contents)) as Record<string, unknown>;
}

/** `/health` and `/openapi.json`. */
export function metaRoutes(
  app: FastifyInstance,
  { runtime, engines }: ServiceContext,
  operations: readonly RegisteredOperation[],
): void {
  addOperation(
    app,
    "GET",
    "/health",
    {
      operationId: "getHealth",
      summary: "Store and queue health (503 when either is down)",
      tags: ["service"],
      // Probes (load balancers, orchestrators) carry no credentials; health reveals no data.
      access: { public: true },
      responses: {
        200: { description: "Healthy.", schema: "Health" },
        503: { description: "Unhealthy.", schema: "Health" },
      },
    },
    async (_request, reply) => {
      const health = await runtime.health();
      return reply.status(health.ok ? 200 : 503).send({ ...health, engines });
    },
  );

  let document: Promise<Record<string, unknown>> | undefined;
  app.get("/openapi.json", { config: { access: { project: "any" } } }, async (request, reply) => {
    // Built once, on first request: every route is registered by then.
    document ??= serviceOpenApiDocument(operations);
    const served = await document.catch((error: unknown) => {
      document = undefined;
      throw error;
    });
    const servers = [{ url: `${request.protocol}://${request.host}` }];
    return reply.type("application/json").send({ ...served, servers });
  });
}
