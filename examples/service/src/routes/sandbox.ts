import type { FastifyInstance } from "fastify";
import type { z } from "zod";
import { addOperation } from "../operation";
import { SandboxBody, SandboxParams } from "../request-schemas";
import type { ServiceContext } from "../service-context";

type Params = z.infer<typeof SandboxParams>;

/** The sandbox target: what it received, and the rule that makes it reject records. */
export function sandboxRoutes(app: FastifyInstance, { sandbox }: ServiceContext): void {
  addOperation(
    app,
    "GET",
    "/sandbox/:channel",
    {
      operationId: "getSandboxChannel",
      summary: "What a sandbox channel received, and its rejection rule",
      tags: ["sandbox"],
      params: SandboxParams,
      // The demo's fake ERP: any signed-in caller may look at it; changing it needs a grant on every project.
      access: { project: "any" },
      responses: { 200: { description: "The channel.", schema: "SandboxChannel" } },
    },
    async (request) => sandbox.channel((request.params as Params).channel),
  );

  addOperation(
    app,
    "PUT",
    "/sandbox/:channel",
    {
      operationId: "setSandboxRejection",
      summary:
        "Make a sandbox channel reject records matching a JSONata predicate (null: accept all), or be unavailable",
      tags: ["sandbox"],
      params: SandboxParams,
      body: SandboxBody,
      access: { action: "connector.write", project: async () => undefined },
      responses: { 200: { description: "The channel.", schema: "SandboxChannel" } },
    },
    async (request) => {
      const { rejectWhen, unavailable } = request.body as z.infer<typeof SandboxBody>;
      const { channel } = request.params as Params;
      // Each field left out leaves that setting alone; `rejectWhen: null` clears the rule.
      if (unavailable !== undefined) sandbox.setUnavailable(channel, unavailable);
      if (rejectWhen !== undefined) return sandbox.setRejectWhen(channel, rejectWhen ?? undefined);
      return sandbox.channel(channel);
    },
  );
}
