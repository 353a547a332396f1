import { NotFoundError, type Runtime } from "@synapseops/core";
import type { FastifyRequest } from "fastify";

/**
 * Which project a request acts in, from its path or body: what role checks read. An entity
 * that does not exist resolves to no project — only a caller with a grant on every project gets
 * past the check, to the route's own 404; others get a 403 that says nothing about existence.
 */
export function routeProjects(runtime: Runtime) {
  const id = (request: FastifyRequest): string => (request.params as { id: string }).id;
  const orNone = async (lookup: () => Promise<string>): Promise<string | undefined> => {
    try {
      return await lookup();
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  };
  return {
    /** `/projects/:id…` */
    project: async (request: FastifyRequest) =>
      orNone(async () => (await runtime.projects.get(id(request))).id),
    /** `/blueprints/:id…` */
    blueprint: async (request: FastifyRequest) =>
      orNone(async () => (await runtime.blueprints.get(id(request))).projectId),
    /** `/runs/:id…` */
    run: async (request: FastifyRequest) =>
      orNone(async () => (await runtime.runs.get(id(request))).projectId),
    /** A replay: the one project of every dead letter named (mixed projects need a grant on all). */
    deadLetters: async (request: FastifyRequest) => {
      const ids = (request.body as { deadLetterIds?: unknown } | undefined)?.deadLetterIds;
      if (!Array.isArray(ids) || ids.length === 0) return undefined;
      const projects = new Set<string | undefined>();
      for (const dl of ids.slice(0, 500)) {
        projects.add(
          await orNone(async () => {
            const letter = await runtime.deadLetters.get(String(dl));
            return (await runtime.blueprints.get(letter.blueprintId)).projectId;
          }),
        );
      }
      return projects.size === 1 ? [...projects][0] : undefined;
    },
    /** A route outside any project (the sandbox, tokens, users). */
    none: async () => undefined,
  };
}

/** What {@link routeProjects} returns. */
export type RouteProjects = ReturnType<typeof routeProjects>;
