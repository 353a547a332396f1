import { fastifyOAuthCallbackHandler } from "@synapseops/connectors";
import { Connection, type ConnectUrl, NotFoundError, ValidationError } from "@synapseops/core";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { toJsonSchema } from "../json-schema";
import { addOperation } from "../operation";
import { IdParams } from "../request-schemas";
import type { ServiceContext } from "../service-context";

type Id = z.infer<typeof IdParams>;

/** The path the OAuth provider redirects the customer's browser back to (the redirect URI). */
export const OAUTH_CALLBACK_PATH = "/oauth/callback";

// A Connection carries no credentials (they stay encrypted in the store): safe to answer whole.
const ConnectionJson = toJsonSchema(Connection, "output");
const ConnectUrlJson = {
  type: "object",
  required: ["url"],
  properties: { url: { type: "string", format: "uri" } },
} as const;
const ConnectBody = z.object({
  connectorRefId: z.string().min(1).max(256),
  customerId: z.string().min(1).max(256),
  /** @default the first provider the service has */
  provider: z.string().min(1).max(256).optional(),
});

/** The console page the browser comes back to once connected, on the host it called. */
const consoleConnections = (request: FastifyRequest, projectId: string): string =>
  `${request.protocol}://${request.host}/console/#/projects/${encodeURIComponent(projectId)}/connections`;

/**
 * Per-customer connections (issue 22): list a project's, start an OAuth connect flow, finish it
 * on the callback, reconnect, revoke, delete. Credentials never leave the runtime.
 */
export function connectionRoutes(
  app: FastifyInstance,
  { runtime, oauthProviders = [] }: ServiceContext,
): void {
  const projectOfRef = async (refId: string): Promise<string> =>
    (await runtime.connectorRefs.get(refId)).projectId;
  const connection = async (id: string) => {
    const found = await runtime.connections.get(id);
    if (found === undefined) throw new NotFoundError("connection", id);
    return found;
  };
  // A connection acts in its connector ref's project; an unknown one in none (a 403 or a 404).
  const projectOfConnection = async (request: FastifyRequest): Promise<string | undefined> => {
    const found = await runtime.connections.get((request.params as Id).id);
    return found === undefined ? undefined : projectOfRef(found.connectorRefId).catch(() => undefined);
  };
  const projectOfPath = async (request: FastifyRequest): Promise<string | undefined> =>
    runtime.projects.get((request.params as Id).id).then(
      (project) => project.id,
      () => undefined,
    );

  addOperation(
    app,
    "GET",
    "/projects/:id/connections",
    {
      operationId: "listConnections",
      summary:
        "List the connections of a project's connector refs: status, customer, last refresh, last error",
      tags: ["connections"],
      params: IdParams,
      access: { project: projectOfPath },
      responses: {
        200: {
          description: "The connections, newest first (never their credentials).",
          schema: {
            type: "object",
            required: ["items"],
            properties: { items: { type: "array", items: ConnectionJson } },
          },
        },
      },
    },
    async (request) => {
      const { id } = request.params as Id;
      await runtime.projects.get(id);
      const items = [];
      for (const ref of await runtime.connectorRefs.list(id)) {
        items.push(...(await runtime.connections.list({ connectorRefId: ref.id })).items);
      }
      items.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      return { items };
    },
  );

  addOperation(
    app,
    "POST",
    "/projects/:id/connections/connect",
    {
      operationId: "startConnection",
      summary:
        "Start connecting a customer's account (OAuth 2.0 code + PKCE): the provider's authorization URL",
      tags: ["connections"],
      params: IdParams,
      body: ConnectBody,
      access: { action: "connector.write", project: projectOfPath },
      responses: { 200: { description: "Where to send the customer's browser.", schema: ConnectUrlJson } },
    },
    async (request): Promise<{ url: string }> => {
      const { id } = request.params as Id;
      const body = request.body as z.infer<typeof ConnectBody>;
      if ((await projectOfRef(body.connectorRefId)) !== id)
        throw new ValidationError("The connector is not one of this project's", { path: "/connectorRefId" });
      const { url } = await runtime.connections.connectUrl({
        provider: body.provider ?? defaultProvider(),
        connectorRefId: body.connectorRefId,
        customerId: body.customerId,
      });
      return { url };
    },
  );

  // The provider's redirect arrives without our session: the single-use state it carries is
  // what ties it to the flow a signed-in editor started.
  const errorPage = (request: FastifyRequest) =>
    `${request.protocol}://${request.host}/console/#/connect-failed`;
  addOperation(
    app,
    "GET",
    OAUTH_CALLBACK_PATH,
    {
      operationId: "oauthCallback",
      summary: "The OAuth redirect URI: redeems the code, stores the connection, back to the console",
      tags: ["connections"],
      access: { public: true },
      responses: {
        303: { description: "To the console's connections page (`?connection=<id>` or `?error=<code>`)." },
      },
    },
    async (request, reply) => {
      // The success page is the connection's project, looked up once the flow is complete.
      let projectId = "";
      const target = {
        completeAuthorization: async (url: string | URL) => {
          const done = await runtime.connections.completeAuthorization(url);
          projectId = await projectOfRef(done.connectorRefId);
          return done;
        },
      };
      return fastifyOAuthCallbackHandler(target, {
        successRedirect: () => consoleConnections(request, projectId),
        errorRedirect: errorPage(request),
        onError: (error) => request.log.warn({ err: error }, "OAuth callback failed"),
      })(request, reply);
    },
  );

  addOperation(
    app,
    "POST",
    "/connections/:id/reconnect",
    {
      operationId: "reconnectConnection",
      summary: "Reconnect an OAuth connection: a new authorization URL whose callback renews it",
      tags: ["connections"],
      params: IdParams,
      access: { action: "connector.write", project: projectOfConnection },
      responses: { 200: { description: "Where to send the customer's browser.", schema: ConnectUrlJson } },
    },
    async (request) => {
      const existing = await connection((request.params as Id).id);
      if (existing.authType !== "oauth2")
        throw new ValidationError("Only OAuth connections reconnect through the browser", { path: "/id" });
      const { url } = (await runtime.connections.reconnect(existing.id)) as ConnectUrl;
      return { url };
    },
  );

  addOperation(
    app,
    "POST",
    "/connections/:id/revoke",
    {
      operationId: "revokeConnection",
      summary: "Revoke a connection at the provider and drop its credentials (status REVOKED)",
      tags: ["connections"],
      params: IdParams,
      access: { action: "connector.write", project: projectOfConnection },
      responses: { 200: { description: "The connection.", schema: ConnectionJson } },
    },
    async (request) => {
      const existing = await connection((request.params as Id).id);
      return runtime.connections.revoke(existing.id);
    },
  );

  addOperation(
    app,
    "DELETE",
    "/connections/:id",
    {
      operationId: "deleteConnection",
      summary: "Delete a connection and its credentials",
      tags: ["connections"],
      params: IdParams,
      access: { action: "connector.write", project: projectOfConnection },
      responses: { 204: { description: "Deleted." } },
    },
    async (request, reply) => {
      await runtime.connections.delete((request.params as Id).id);
      return reply.status(204).send();
    },
  );

  function defaultProvider(): string {
    const [first] = oauthProviders;
    if (first === undefined)
      throw new ValidationError("The service has no OAuth provider configured", { path: "/provider" });
    return first;
  }
}
