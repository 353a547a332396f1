import type { FastifyInstance } from "fastify";
import type { z } from "zod";
import { httpError } from "../auth/access";
import { SESSION_TTL_MS } from "../auth/identities";
import { ALL_PROJECTS, roleAllows, roleIn } from "../auth/roles";
import { addOperation } from "../operation";
import { CreateTokenBody, CreateUserBody, IdParams, LoginBody } from "../request-schemas";
import type { ServiceContext } from "../service-context";

const DAY = 86_400_000;

/** Login and logout (browser sessions), API tokens and users. No answer carries a secret but the new token, once. */
export function authRoutes(app: FastifyInstance, { identities: ids }: ServiceContext): void {
  const tags = ["access"];

  addOperation(
    app,
    "POST",
    "/auth/login",
    {
      operationId: "login",
      summary: "Sign in: sets an HttpOnly session cookie; answers the CSRF token mutating calls send",
      tags,
      body: LoginBody,
      access: { public: true },
      // Guessing passwords is slowed to 10 tries a minute per client.
      rateLimitPerMinute: 10,
      responses: { 200: { description: "Who you are, and the CSRF token.", schema: "Session" } },
    },
    async (request, reply) => {
      const { name, password } = request.body as z.infer<typeof LoginBody>;
      const session = await ids.login(name, password);
      if (session === undefined) throw httpError(401, "UNAUTHENTICATED", "wrong name or password");
      app.sessionCookie(reply, session.cookie, SESSION_TTL_MS / 1000);
      const csrfToken = reply.generateCsrf({ userInfo: session.principal.sessionId ?? "" });
      const { actor, name: user, grants } = session.principal;
      return { actor, name: user, kind: "user", grants, csrfToken };
    },
  );

  addOperation(
    app,
    "GET",
    "/auth/session",
    {
      operationId: "getSession",
      summary: "Who the caller is; for a browser session, a fresh CSRF token",
      tags,
      access: { project: "any" },
      responses: { 200: { description: "Who you are.", schema: "Session" } },
    },
    async (request, reply) => {
      const { actor, name, kind, grants, sessionId } = request.principal!;
      return {
        actor,
        name,
        kind,
        grants,
        ...(sessionId === undefined ? {} : { csrfToken: reply.generateCsrf({ userInfo: sessionId }) }),
      };
    },
  );

  addOperation(
    app,
    "POST",
    "/auth/logout",
    {
      operationId: "logout",
      summary: "End the browser session",
      tags,
      access: { project: "any" },
      responses: { 204: { description: "Signed out." } },
    },
    async (request, reply) => {
      if (request.principal?.sessionId !== undefined) ids.logout(request.principal.sessionId);
      app.sessionCookie(reply, "", 0);
      return reply.status(204).send();
    },
  );

  addOperation(
    app,
    "POST",
    "/tokens",
    {
      operationId: "createToken",
      summary: "Issue an API token for one project (or `*`) and role; the token is in this answer only",
      tags,
      body: CreateTokenBody,
      access: {
        action: "admin",
        project: async (request) => {
          const { projectId } = request.body as z.infer<typeof CreateTokenBody>;
          return projectId === ALL_PROJECTS ? undefined : projectId;
        },
      },
      responses: { 201: { description: "The token, shown once, and its details.", schema: "NewApiToken" } },
    },
    async (request, reply) => {
      const body = request.body as z.infer<typeof CreateTokenBody>;
      const { token, info } = await ids.issueToken({
        name: body.name,
        projectId: body.projectId,
        role: body.role,
        createdBy: request.principal!.actor,
        ttlMs: (body.expiresInDays ?? 30) * DAY,
      });
      return reply
        .status(201)
        .header("cache-control", "no-store")
        .send({ ...info, token });
    },
  );

  addOperation(
    app,
    "GET",
    "/tokens",
    {
      operationId: "listTokens",
      summary: "The API tokens of the projects you administer (never the tokens themselves)",
      tags,
      access: { project: "any" },
      responses: { 200: { description: "The tokens.", schema: "ApiTokenList" } },
    },
    async (request) => {
      const grants = request.principal!.grants;
      const visible = ids
        .listTokens()
        .filter((t) =>
          roleAllows(roleIn(grants, t.projectId === ALL_PROJECTS ? undefined : t.projectId), "admin"),
        );
      return { items: visible };
    },
  );

  addOperation(
    app,
    "DELETE",
    "/tokens/:id",
    {
      operationId: "revokeToken",
      summary: "Revoke an API token",
      tags,
      params: IdParams,
      access: {
        action: "admin",
        project: async (request) => {
          const token = ids.getToken((request.params as { id: string }).id);
          return token === undefined || token.projectId === ALL_PROJECTS ? undefined : token.projectId;
        },
      },
      responses: { 204: { description: "Revoked." } },
    },
    async (request, reply) => {
      const { id } = request.params as z.infer<typeof IdParams>;
      if (!(await ids.revokeToken(id))) throw httpError(404, "NOT_FOUND", `token "${id}" not found`);
      return reply.status(204).send();
    },
  );

  addOperation(
    app,
    "POST",
    "/users",
    {
      operationId: "createUser",
      summary: "Create a console user with a password and roles per project (admins of every project only)",
      tags,
      body: CreateUserBody,
      access: { action: "admin", project: async () => undefined },
      responses: { 201: { description: "The user (never the password).", schema: "User" } },
    },
    async (request, reply) => {
      const { name, password, grants } = request.body as z.infer<typeof CreateUserBody>;
      if (ids.listUsers().some((u) => u.name === name))
        throw httpError(409, "CONFLICT", `user "${name}" exists`);
      return reply.status(201).send(await ids.createUser(name, password, grants));
    },
  );

  addOperation(
    app,
    "GET",
    "/users",
    {
      operationId: "listUsers",
      summary: "Console users and their roles (admins of every project only)",
      tags,
      access: { action: "admin", project: async () => undefined },
      responses: { 200: { description: "The users.", schema: "UserList" } },
    },
    async () => ({ items: ids.listUsers() }),
  );
}
